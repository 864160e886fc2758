namespace Runestone.Agent.Config;

/// <summary>One entry of <c>clients:</c>: a Loki-compatible push endpoint.</summary>
public sealed class ClientConfig
{
    public string Url { get; set; } = string.Empty;

    public string TenantId { get; set; } = string.Empty;

    public TimeSpan BatchWait { get; set; } = TimeSpan.FromSeconds(1);

    public long BatchSize { get; set; } = 1024 * 1024;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan BackoffMin { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromMinutes(5);

    public int MaxRetries { get; set; } = 10;

    public bool DropRateLimitedBatches { get; set; }

    public Dictionary<string, string> ExternalLabels { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.Ordinal);

    public string? BasicAuthUsername { get; set; }

    public string? BasicAuthPassword { get; set; }

    public string? BasicAuthPasswordFile { get; set; }

    public string? BearerToken { get; set; }

    public string? BearerTokenFile { get; set; }

    public TlsConfig Tls { get; set; } = new();
}
