using Runestone.Storage.Chunks;
using Runestone.Storage.Index;
using Runestone.Storage.ObjectStore;

namespace Runestone.Storage.Dedupe;

/// <summary>
/// Entry keys of persisted chunks, built on demand when an entry arrives inside a chunk's time
/// range and kept in a least-recently-used cache bounded by bytes. In-order appends never come
/// here; only entries at or before the newest entry of a stream's chunks do. (Blocks still in
/// memory carry their own <see cref="BlockDedupe"/>.)
/// </summary>
internal sealed class StoredEntryIndex(IObjectStore objects, long budgetBytes)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<object, LinkedListNode<Cached>> _cached = [];
    private readonly LinkedList<Cached> _recency = new();
    private long _bytes;
    private int _builds;

    /// <summary>Chunks whose keys were built (for tests and metrics).</summary>
    public int Builds => Volatile.Read(ref _builds);

    public long CachedBytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>True when the persisted chunk holds the entry; reads the chunk if its keys are not cached.</summary>
    public bool InChunk(ChunkRef chunk, long timestamp, ulong lineHash)
    {
        var keys = Find(chunk.Key);
        if (keys is null)
        {
            byte[]? data;
            try
            {
                data = objects.GetAsync(chunk.Key, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // An unreadable chunk cannot prove a duplicate: the entry is stored (never dropped).
                return false;
            }

            keys = Add(chunk.Key, BuildChunk(data));
        }

        return AnyContains(keys, timestamp, lineHash);
    }

    /// <summary>Reads and indexes a chunk ahead of an append (outside the ingest lock).</summary>
    public async ValueTask PrefetchAsync(ChunkRef chunk, CancellationToken cancellationToken)
    {
        if (Find(chunk.Key) is not null)
        {
            return;
        }

        var data = await objects.GetAsync(chunk.Key, cancellationToken).ConfigureAwait(false);
        Add(chunk.Key, BuildChunk(data));
    }

    private static bool AnyContains(BlockEntryKeys[] keys, long timestamp, ulong lineHash)
    {
        foreach (var block in keys)
        {
            if (block.Contains(timestamp, lineHash))
            {
                return true;
            }
        }

        return false;
    }

    private BlockEntryKeys[] BuildChunk(byte[]? data)
    {
        Interlocked.Increment(ref _builds);
        if (data is null)
        {
            return [];
        }

        try
        {
            var blocks = ChunkFile.Read(data).Blocks;
            var keys = new BlockEntryKeys[blocks.Count];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = BlockEntryKeys.Of(blocks[i]);
            }

            return keys;
        }
        catch (InvalidDataException)
        {
            return [];
        }
    }

    private BlockEntryKeys[]? Find(object key)
    {
        lock (_gate)
        {
            if (!_cached.TryGetValue(key, out var node))
            {
                return null;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Keys;
        }
    }

    private BlockEntryKeys[] Add(object key, BlockEntryKeys[] keys)
    {
        long bytes = 64;
        foreach (var block in keys)
        {
            bytes += block.Bytes;
        }

        lock (_gate)
        {
            if (_cached.TryGetValue(key, out var existing))
            {
                return existing.Value.Keys;
            }

            var node = _recency.AddFirst(new Cached(key, keys, bytes));
            _cached.Add(key, node);
            _bytes += bytes;
            while (_bytes > budgetBytes && _recency.Last is { } last && !ReferenceEquals(last, node))
            {
                _recency.RemoveLast();
                _cached.Remove(last.Value.Key);
                _bytes -= last.Value.Bytes;
            }
        }

        return keys;
    }

    private sealed record Cached(object Key, BlockEntryKeys[] Keys, long Bytes);
}
