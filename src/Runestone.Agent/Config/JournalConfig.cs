namespace Runestone.Agent.Config;

/// <summary><c>journal:</c> target of a scrape config (systemd journal through libsystemd).</summary>
public sealed class JournalConfig
{
    /// <summary>Promtail's default: on a first start (or a cursor older than this) read entries no older than 7h.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromHours(7);

    /// <summary>The line is the JSON of every field instead of MESSAGE.</summary>
    public bool Json { get; set; }

    public TimeSpan MaxAge { get; set; } = DefaultMaxAge;

    /// <summary>A journal directory or file; empty reads the local system journal (/var/log/journal, /run/log/journal).</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>journalctl-style matches such as <c>_TRANSPORT=kernel</c>, separated by spaces.</summary>
    public string Matches { get; set; } = string.Empty;

    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);
}
