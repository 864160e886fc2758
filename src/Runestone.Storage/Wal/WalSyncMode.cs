namespace Runestone.Storage.Wal;

/// <summary>When the WAL is forced to disk relative to acknowledging a write.</summary>
public enum WalSyncMode
{
    /// <summary>fsync before acknowledging (group commit: one fsync serves every waiting push).</summary>
    Always,

    /// <summary>Acknowledge after the write reaches the OS; fsync on an interval.</summary>
    Interval,

    /// <summary>Acknowledge after the write reaches the OS; never fsync (tests, throwaway data).</summary>
    Never,
}
