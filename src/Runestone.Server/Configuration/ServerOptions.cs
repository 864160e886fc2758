namespace Runestone.Server.Configuration;

/// <summary>The <c>server</c> block: where the HTTP API listens and how much the server logs.</summary>
public sealed record ServerOptions
{
    /// <summary>
    /// <c>http_listen_address</c>. Runestone listens on loopback by default (Loki's default is every
    /// interface); the Helm chart sets <c>0.0.0.0</c>. An empty string means every interface.
    /// </summary>
    public string HttpListenAddress { get; init; } = "127.0.0.1";

    /// <summary><c>http_listen_port</c>; 0 picks a free port.</summary>
    public int HttpListenPort { get; init; } = 3100;

    /// <summary><c>log_level</c>: debug, info, warn or error.</summary>
    public string LogLevel { get; init; } = "info";

    /// <summary>The accepted values of <see cref="LogLevel"/>.</summary>
    public static IReadOnlyList<string> LogLevels { get; } = ["debug", "info", "warn", "error"];
}
