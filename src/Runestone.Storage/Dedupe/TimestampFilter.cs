namespace Runestone.Storage.Dedupe;

/// <summary>
/// A small Bloom filter over the timestamps of one sealed block (about 10 bits an entry, three
/// bits in one 64-bit word per timestamp). An entry that arrives out of order is checked against
/// a sealed block only when the filter says the block may hold its timestamp, so concurrent
/// pushes of one stream (later batches landing first) do not decode blocks.
/// </summary>
internal sealed class TimestampFilter
{
    private readonly ulong[] _words;

    private TimestampFilter(int capacity)
    {
        Capacity = capacity;
        _words = new ulong[Math.Max(1, ((capacity * 10) + 63) / 64)];
    }

    /// <summary>Timestamps the filter holds at its intended false-positive rate (~1.5%); more still work, less well.</summary>
    public int Capacity { get; }

    public long Bytes => 24 + (_words.Length * 8L);

    public static TimestampFilter WithCapacity(int capacity) => new(capacity);

    public static TimestampFilter Of(ReadOnlySpan<long> timestamps)
    {
        var filter = new TimestampFilter(timestamps.Length);
        var previous = 0L;
        for (var i = 0; i < timestamps.Length; i++)
        {
            var ts = timestamps[i];
            if (i == 0 || ts != previous)
            {
                filter.Add(ts);
            }

            previous = ts;
        }

        return filter;
    }

    public void Add(long timestamp)
    {
        var h = Mix(timestamp);
        _words[WordIndex(h, _words.Length)] |= Bits(h);
    }

    /// <summary>False when no entry of the block has this timestamp; true when one may.</summary>
    public bool MayContain(long timestamp)
    {
        var h = Mix(timestamp);
        var bits = Bits(h);
        return (_words[WordIndex(h, _words.Length)] & bits) == bits;
    }

    private static int WordIndex(ulong h, int words) => (int)Math.BigMul(h, (ulong)words, out _);

    private static ulong Bits(ulong h) => (1UL << (int)(h & 63)) | (1UL << (int)((h >> 6) & 63)) | (1UL << (int)((h >> 12) & 63));

    // A 64-bit finalizer (splitmix64): nearby timestamps land on unrelated words and bits.
    private static ulong Mix(long value)
    {
        var z = (ulong)value + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
