namespace Runestone.Agent.Config;

/// <summary><c>kubernetes_sd_configs:</c> entry (Prometheus' shape; only role <c>pod</c> yields log targets).</summary>
public sealed class KubernetesSdConfig
{
    public string Role { get; set; } = "pod";

    public string? ApiServer { get; set; }

    public string? KubeconfigFile { get; set; }

    public List<string> Namespaces { get; } = [];

    public bool OwnNamespace { get; set; }

    /// <summary>Label selector from <c>selectors: [{role: pod, label: ...}]</c>.</summary>
    public string? LabelSelector { get; set; }

    public string? FieldSelector { get; set; }

    public string? BearerToken { get; set; }

    public string? BearerTokenFile { get; set; }

    public TlsConfig Tls { get; set; } = new();
}
