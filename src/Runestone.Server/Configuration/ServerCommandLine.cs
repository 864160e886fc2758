namespace Runestone.Server.Configuration;

/// <summary>
/// The flags of <c>runestone server</c>, in Loki's names. A flag that was given overrides the
/// configuration file; null means "not given".
/// </summary>
public sealed record ServerCommandLine
{
    /// <summary><c>-config.file</c>.</summary>
    public string? ConfigFile { get; init; }

    /// <summary><c>-config.expand-env</c>.</summary>
    public bool ExpandEnv { get; init; }

    /// <summary><c>-print-config-stderr</c>: print the effective configuration at start.</summary>
    public bool PrintConfigStderr { get; init; }

    /// <summary><c>-help</c> / <c>-h</c>: print <see cref="CommandLine.Usage"/> and exit.</summary>
    public bool ShowHelp { get; init; }

    /// <summary><c>-server.http-listen-address</c>.</summary>
    public string? HttpListenAddress { get; init; }

    /// <summary><c>-server.http-listen-port</c>.</summary>
    public int? HttpListenPort { get; init; }

    /// <summary><c>-common.path-prefix</c>.</summary>
    public string? PathPrefix { get; init; }

    /// <summary><c>-auth.enabled</c>.</summary>
    public bool? AuthEnabled { get; init; }

    /// <summary><c>-log.level</c>.</summary>
    public string? LogLevel { get; init; }

    /// <summary>Returns <paramref name="options"/> with every flag that was given applied over it.</summary>
    public RunestoneOptions ApplyTo(RunestoneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = options.Server with
        {
            HttpListenAddress = HttpListenAddress ?? options.Server.HttpListenAddress,
            HttpListenPort = HttpListenPort ?? options.Server.HttpListenPort,
            LogLevel = LogLevel ?? options.Server.LogLevel,
        };
        return options with
        {
            AuthEnabled = AuthEnabled ?? options.AuthEnabled,
            Server = server,
            Common = options.Common with { PathPrefix = PathPrefix ?? options.Common.PathPrefix },
        };
    }
}
