using System.IO.Hashing;
using Runestone.Storage.Chunks;

namespace Runestone.Storage.Dedupe;

/// <summary>
/// The identity of every entry of one sealed block: its exact timestamp and a 64-bit hash of its
/// line, in the block's timestamp order. Answers "is this entry already stored here?" without
/// keeping the lines (16 bytes per entry).
/// </summary>
internal sealed class BlockEntryKeys
{
    private readonly long[] _timestamps;
    private readonly ulong[] _lineHashes;

    private BlockEntryKeys(long[] timestamps, ulong[] lineHashes, long minTs, long maxTs)
    {
        _timestamps = timestamps;
        _lineHashes = lineHashes;
        MinTs = minTs;
        MaxTs = maxTs;
    }

    /// <summary>Keys of no entry (a block that could not be read).</summary>
    public static BlockEntryKeys Empty { get; } = new([], [], 0, -1);

    public long MinTs { get; }

    public long MaxTs { get; }

    public long Bytes => 64 + (_timestamps.Length * 16L);

    public static ulong HashLine(ReadOnlySpan<byte> line) => XxHash3.HashToUInt64(line);

    /// <summary>Decodes the block once and keeps its entry keys.</summary>
    public static BlockEntryKeys Of(SealedBlock block)
    {
        using var decoded = block.Decode();
        var count = decoded.Count;
        var timestamps = decoded.Timestamps.ToArray();
        var hashes = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            hashes[i] = HashLine(decoded.Line(i));
        }

        // Raw blocks are written in timestamp order; a block that is not (never written by us)
        // gets sorted so the binary search below stays correct.
        for (var i = 1; i < count; i++)
        {
            if (timestamps[i] < timestamps[i - 1])
            {
                Array.Sort(timestamps, hashes);
                break;
            }
        }

        return new BlockEntryKeys(timestamps, hashes, block.MinTs, block.MaxTs);
    }

    public bool Contains(long timestamp, ulong lineHash)
    {
        if (timestamp < MinTs || timestamp > MaxTs)
        {
            return false;
        }

        var i = Array.BinarySearch(_timestamps, timestamp);
        if (i < 0)
        {
            return false;
        }

        while (i > 0 && _timestamps[i - 1] == timestamp)
        {
            i--;
        }

        for (; i < _timestamps.Length && _timestamps[i] == timestamp; i++)
        {
            if (_lineHashes[i] == lineHash)
            {
                return true;
            }
        }

        return false;
    }
}
