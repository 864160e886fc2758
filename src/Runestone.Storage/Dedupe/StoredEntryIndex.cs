using Runestone.Storage.Chunks;
using Runestone.Storage.Index;
using Runestone.Storage.ObjectStore;

namespace Runestone.Storage.Dedupe;

/// <summary>
/// Entry keys of the blocks of persisted chunks, built on demand for the blocks whose time range
/// holds a late entry's timestamp, and kept in a least-recently-used cache bounded by bytes
/// (with each chunk's block directory, the blocks' time ranges). In-order appends never come
/// here; only entries at or before the newest entry of a stream's chunks do. Blocks still in
/// memory carry their own <see cref="BlockDedupe"/>.
/// </summary>
internal sealed class StoredEntryIndex(IObjectStore objects, long budgetBytes)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<CacheKey, LinkedListNode<Cached>> _cached = [];
    private readonly LinkedList<Cached> _recency = new();
    private long _bytes;
    private int _builds;

    /// <summary>Chunk blocks whose keys were built (for tests and metrics).</summary>
    public int Builds => Volatile.Read(ref _builds);

    /// <summary>True when the persisted chunk holds the entry; reads the chunk if the keys it needs are not cached.</summary>
    public bool InChunk(ChunkRef chunk, long timestamp, ulong lineHash)
    {
        ChunkContents? contents = null;
        var directory = Find(new CacheKey(chunk.Key, -1)) as BlockDirectory;
        if (directory is null)
        {
            if ((contents = Load(chunk)) is null)
            {
                return false;
            }

            directory = AddDirectory(chunk.Key, contents);
        }

        for (var b = 0; b < directory.MinTs.Length; b++)
        {
            if (timestamp < directory.MinTs[b] || timestamp > directory.MaxTs[b])
            {
                continue;
            }

            if (Find(new CacheKey(chunk.Key, b)) is not BlockEntryKeys keys)
            {
                contents ??= Load(chunk);
                if (contents is null || b >= contents.Blocks.Count)
                {
                    return false;
                }

                keys = AddBlock(chunk.Key, b, contents.Blocks[b]);
            }

            if (keys.Contains(timestamp, lineHash))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads the chunk once, ahead of an append (outside the ingest lock), and builds the keys of
    /// the blocks that hold any of <paramref name="timestamps"/> and are not cached.
    /// </summary>
    public async ValueTask PrefetchAsync(ChunkRef chunk, List<long> timestamps, CancellationToken cancellationToken)
    {
        if (Find(new CacheKey(chunk.Key, -1)) is BlockDirectory known && AllCached(chunk.Key, known, timestamps))
        {
            return;
        }

        var data = await objects.GetAsync(chunk.Key, cancellationToken).ConfigureAwait(false);
        if (data is null || Parse(data) is not { } contents)
        {
            return;
        }

        var directory = AddDirectory(chunk.Key, contents);
        for (var b = 0; b < directory.MinTs.Length; b++)
        {
            if (Covers(directory, b, timestamps) && Find(new CacheKey(chunk.Key, b)) is null)
            {
                AddBlock(chunk.Key, b, contents.Blocks[b]);
            }
        }
    }

    private bool AllCached(string chunkKey, BlockDirectory directory, List<long> timestamps)
    {
        for (var b = 0; b < directory.MinTs.Length; b++)
        {
            if (Covers(directory, b, timestamps) && Find(new CacheKey(chunkKey, b)) is null)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Covers(BlockDirectory directory, int block, List<long> timestamps)
    {
        foreach (var ts in timestamps)
        {
            if (ts >= directory.MinTs[block] && ts <= directory.MaxTs[block])
            {
                return true;
            }
        }

        return false;
    }

    private ChunkContents? Load(ChunkRef chunk)
    {
        try
        {
            var data = objects.GetAsync(chunk.Key, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return data is null ? null : Parse(data);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable chunk cannot prove a duplicate: the entry is stored (never dropped).
            return null;
        }
    }

    private static ChunkContents? Parse(byte[] data)
    {
        try
        {
            return ChunkFile.Read(data);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private BlockDirectory AddDirectory(string chunkKey, ChunkContents contents)
    {
        var blocks = contents.Blocks;
        var directory = new BlockDirectory(new long[blocks.Count], new long[blocks.Count]);
        for (var b = 0; b < blocks.Count; b++)
        {
            directory.MinTs[b] = blocks[b].MinTs;
            directory.MaxTs[b] = blocks[b].MaxTs;
        }

        return (BlockDirectory)Add(new CacheKey(chunkKey, -1), directory, 64 + (blocks.Count * 16L));
    }

    private BlockEntryKeys AddBlock(string chunkKey, int index, SealedBlock block)
    {
        Interlocked.Increment(ref _builds);
        BlockEntryKeys keys;
        try
        {
            keys = BlockEntryKeys.Of(block);
        }
        catch (InvalidDataException)
        {
            // A damaged block cannot prove a duplicate: the entry is stored (never dropped).
            keys = BlockEntryKeys.Empty;
        }

        return (BlockEntryKeys)Add(new CacheKey(chunkKey, index), keys, keys.Bytes);
    }

    private object? Find(CacheKey key)
    {
        lock (_gate)
        {
            if (!_cached.TryGetValue(key, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Value;
        }
    }

    private object Add(CacheKey key, object value, long bytes)
    {
        lock (_gate)
        {
            if (_cached.TryGetValue(key, out var existing))
            {
                return existing.Value.Value;
            }

            var node = _recency.AddFirst(new Cached(key, value, bytes));
            _cached.Add(key, node);
            _bytes += bytes;
            while (_bytes > budgetBytes && _recency.Last is { } last && !ReferenceEquals(last, node))
            {
                _recency.RemoveLast();
                _cached.Remove(last.Value.Key);
                _bytes -= last.Value.Bytes;
            }
        }

        return value;
    }

    /// <summary>A chunk key with a block index; -1 names the chunk's block directory.</summary>
    private readonly record struct CacheKey(string Chunk, int Block);

    private sealed record BlockDirectory(long[] MinTs, long[] MaxTs);

    private sealed record Cached(CacheKey Key, object Value, long Bytes);
}
