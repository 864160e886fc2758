namespace Runestone.Agent.Config;

/// <summary><c>loki_push_api:</c> target: receive pushes and forward them.</summary>
public sealed class PushApiConfig
{
    public string ListenAddress { get; set; } = string.Empty;

    public int ListenPort { get; set; } = 3500;

    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    public bool UseIncomingTimestamp { get; set; }
}
