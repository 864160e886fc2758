namespace Runestone.Agent.Syslog;

/// <summary>A parsed syslog message (RFC 5424 or RFC 3164).</summary>
public sealed record SyslogMessage
{
    public int Facility { get; init; }

    public int Severity { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public string? Hostname { get; init; }

    public string? AppName { get; init; }

    public string? ProcId { get; init; }

    public string? MsgId { get; init; }

    /// <summary>Structured data: SD-ID to its parameters, in order.</summary>
    public List<(string Id, List<KeyValuePair<string, string>> Params)> StructuredData { get; init; } = [];

    public string Message { get; init; } = string.Empty;

    public bool IsRfc5424 { get; init; }

    public static readonly string[] SeverityNames = ["emergency", "alert", "critical", "error", "warning", "notice", "informational", "debug"];

    public static readonly string[] FacilityNames =
    [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
        "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ];
}
