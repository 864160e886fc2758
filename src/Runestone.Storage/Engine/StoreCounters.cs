namespace Runestone.Storage.Engine;

/// <summary>Running totals the server exports as metrics.</summary>
public sealed class StoreCounters
{
    private long _chunksFlushed;
    private long _flushFailures;
    private long _walRecords;
    private long _walBytes;

    public long ChunksFlushed => Volatile.Read(ref _chunksFlushed);

    public long FlushFailures => Volatile.Read(ref _flushFailures);

    public long WalRecords => Volatile.Read(ref _walRecords);

    public long WalBytes => Volatile.Read(ref _walBytes);

    internal void ChunkFlushed(int count) => Interlocked.Add(ref _chunksFlushed, count);

    internal void FlushFailed() => Interlocked.Increment(ref _flushFailures);

    internal void WalRecord(long bytes)
    {
        Interlocked.Increment(ref _walRecords);
        Interlocked.Add(ref _walBytes, bytes);
    }
}
