namespace Runestone.Server.Configuration;

/// <summary>When the WAL is forced to stable storage (<c>ingester.wal.fsync</c>).</summary>
public enum FsyncPolicy
{
    /// <summary><c>always</c>: fsync before a push is acknowledged; concurrent pushes share one fsync (group commit).</summary>
    Always,

    /// <summary><c>interval</c>: fsync every <c>fsync_interval</c>; a machine crash can lose that much acknowledged data.</summary>
    Interval,

    /// <summary><c>never</c>: leave it to the operating system; a machine crash can lose acknowledged data.</summary>
    Never,
}
