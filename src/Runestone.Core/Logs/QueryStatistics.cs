namespace Runestone.Core.Logs;

/// <summary>
/// Counters one query accumulates while it runs; storage iterators and the engine add to them
/// from several threads, so every update is atomic. The server prints them as Loki's
/// <c>stats</c> object.
/// </summary>
public sealed class QueryStatistics
{
    private long _decompressedBytes;
    private long _decompressedLines;
    private long _compressedBytes;
    private long _chunksScanned;
    private long _headChunkBytes;
    private long _headChunkLines;
    private long _postFilterLines;
    private long _entriesReturned;

    public long DecompressedBytes => Volatile.Read(ref _decompressedBytes);

    public long DecompressedLines => Volatile.Read(ref _decompressedLines);

    public long CompressedBytes => Volatile.Read(ref _compressedBytes);

    public long ChunksScanned => Volatile.Read(ref _chunksScanned);

    public long HeadChunkBytes => Volatile.Read(ref _headChunkBytes);

    public long HeadChunkLines => Volatile.Read(ref _headChunkLines);

    public long PostFilterLines => Volatile.Read(ref _postFilterLines);

    public long EntriesReturned => Volatile.Read(ref _entriesReturned);

    /// <summary>All bytes of log lines examined, from chunks and head blocks.</summary>
    public long TotalBytesProcessed => DecompressedBytes + HeadChunkBytes;

    public long TotalLinesProcessed => DecompressedLines + HeadChunkLines;

    public void AddChunk(long compressedBytes) { Interlocked.Increment(ref _chunksScanned); Interlocked.Add(ref _compressedBytes, compressedBytes); }

    public void AddDecompressed(long bytes, long lines) { Interlocked.Add(ref _decompressedBytes, bytes); Interlocked.Add(ref _decompressedLines, lines); }

    public void AddHead(long bytes, long lines) { Interlocked.Add(ref _headChunkBytes, bytes); Interlocked.Add(ref _headChunkLines, lines); }

    public void AddPostFilterLines(long lines) => Interlocked.Add(ref _postFilterLines, lines);

    public void AddEntriesReturned(long entries) => Interlocked.Add(ref _entriesReturned, entries);
}
