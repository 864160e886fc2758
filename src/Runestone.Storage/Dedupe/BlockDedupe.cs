using Runestone.Storage.Chunks;

namespace Runestone.Storage.Dedupe;

/// <summary>
/// Answers "does this sealed block already hold the entry?" in three steps, each paid only when
/// the one before cannot say no: a Bloom filter of the timestamps (built when the block is
/// sealed), the exact timestamps (only the block's header is decompressed), then the entry keys
/// (the whole block is decoded once). Lives and dies with its block; used under the stream lock.
/// </summary>
internal sealed class BlockDedupe(TimestampFilter filter)
{
    private long[]? _timestamps;
    private BlockEntryKeys? _keys;

    /// <summary>True once the whole block was decoded into entry keys (for tests).</summary>
    internal bool HasEntryKeys => _keys is not null;

    public long Bytes => filter.Bytes + ((_timestamps?.Length ?? 0) * 8L) + (_keys?.Bytes ?? 0);

    /// <summary>True when <paramref name="block"/> holds an entry with this timestamp and line.</summary>
    public bool Holds(SealedBlock block, long timestamp, ReadOnlySpan<byte> line, ref ulong? lineHash)
    {
        if (!filter.MayContain(timestamp))
        {
            return false;
        }

        try
        {
            if (_keys is null)
            {
                if (_timestamps is null)
                {
                    var timestamps = block.ReadTimestamps();
                    Array.Sort(timestamps);
                    _timestamps = timestamps;
                }

                if (Array.BinarySearch(_timestamps, timestamp) < 0)
                {
                    return false;
                }

                _keys = BlockEntryKeys.Of(block);
                _timestamps = null;
            }
        }
        catch (InvalidDataException)
        {
            // A damaged block cannot prove a duplicate: the entry is stored (never dropped).
            return false;
        }

        return _keys.Contains(timestamp, lineHash ??= BlockEntryKeys.HashLine(line));
    }
}
