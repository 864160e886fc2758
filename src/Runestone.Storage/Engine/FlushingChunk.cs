namespace Runestone.Storage.Engine;

/// <summary>Lanes cut from a stream and on their way to storage; still visible to queries.</summary>
internal sealed class FlushingChunk(List<Lane> lanes, long throughWal, long firstUnflushedWal, string reason)
{
    public List<Lane> Lanes { get; } = lanes;

    public long ThroughWal { get; } = throughWal;

    public long FirstUnflushedWal { get; } = firstUnflushedWal;

    /// <summary>Why the chunk was cut (full, idle, max_age, wal_full, forced), for metrics.</summary>
    public string Reason { get; } = reason;
}
