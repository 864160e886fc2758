namespace Runestone.Storage.Engine;

/// <summary>Lanes cut from a stream and on their way to storage; still visible to queries.</summary>
internal sealed class FlushingChunk(List<Lane> lanes, long throughWal, long firstUnflushedWal)
{
    public List<Lane> Lanes { get; } = lanes;

    public long ThroughWal { get; } = throughWal;

    public long FirstUnflushedWal { get; } = firstUnflushedWal;
}
