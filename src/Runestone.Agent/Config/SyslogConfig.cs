namespace Runestone.Agent.Config;

/// <summary><c>syslog:</c> target of a scrape config.</summary>
public sealed class SyslogConfig
{
    public string ListenAddress { get; set; } = string.Empty;

    public string ListenProtocol { get; set; } = "tcp";

    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(120);

    public bool LabelStructuredData { get; set; }

    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    public bool UseIncomingTimestamp { get; set; }

    public bool UseRfc5424Message { get; set; }

    public int MaxMessageLength { get; set; } = 8192;

    public TlsConfig? Tls { get; set; }
}
