namespace Runestone.Agent.Config;

/// <summary><c>tls_config:</c> as in Prometheus.</summary>
public sealed class TlsConfig
{
    public string? CaFile { get; set; }

    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    public string? ServerName { get; set; }

    public bool InsecureSkipVerify { get; set; }
}
