namespace Runestone.Server.Configuration;

/// <summary>The <c>ingester.wal</c> block: the write-ahead log every push goes through before it is acknowledged.</summary>
public sealed record WalOptions
{
    /// <summary><c>enabled</c>.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>dir</c>; null when not set, in which case <see cref="RunestoneOptions.WalDirectory"/> derives it.</summary>
    public string? Dir { get; init; }

    /// <summary><c>flush_on_shutdown</c>: cut and persist every head block on a clean stop (Loki defaults to false).</summary>
    public bool FlushOnShutdown { get; init; } = true;

    /// <summary><c>fsync</c> (Runestone only): when the WAL is forced to disk.</summary>
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.Always;

    /// <summary><c>fsync_interval</c> (Runestone only): the period of <see cref="FsyncPolicy.Interval"/>.</summary>
    public TimeSpan FsyncInterval { get; init; } = TimeSpan.FromSeconds(1);
}
