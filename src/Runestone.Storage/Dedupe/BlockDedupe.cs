using Runestone.Storage.Chunks;

namespace Runestone.Storage.Dedupe;

/// <summary>
/// Answers "does this sealed block already hold the entry?" in three steps, each paid only when
/// the one before cannot say no: a Bloom filter of the timestamps (built when the block is
/// sealed), the exact timestamps (only the block's header is decompressed, and not kept), then
/// the entry keys (the whole block is decoded once, and kept). Lives and dies with its block;
/// used under the stream lock.
/// </summary>
internal sealed class BlockDedupe(TimestampFilter filter)
{
    private BlockEntryKeys? _keys;

    /// <summary>True once the whole block was decoded into entry keys (for tests).</summary>
    internal bool HasEntryKeys => _keys is not null;

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
                // Rare (a filter false positive or a true repeat): not worth keeping 8 bytes an entry.
                if (Array.IndexOf(block.ReadTimestamps(), timestamp) < 0)
                {
                    return false;
                }

                _keys = BlockEntryKeys.Of(block);
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
