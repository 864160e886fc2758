namespace Runestone.Agent.Config;

/// <summary><c>server:</c> the agent's own HTTP endpoint.</summary>
public sealed class ServerConfig
{
    public string HttpListenAddress { get; set; } = string.Empty;

    /// <summary>Promtail's default is 80; the seed's chart uses 3101.</summary>
    public int HttpListenPort { get; set; } = 80;

    public bool Disable { get; set; }

    public string LogLevel { get; set; } = "info";
}
