using System.Runtime.CompilerServices;

namespace Runestone.Storage.Dedupe;

/// <summary>
/// A small Bloom filter over timestamps (16 bits an entry, four probes: about 0.25% false
/// positives at capacity). An entry that arrives out of order is checked against a block only
/// when the filter says the block may hold its timestamp, so concurrent pushes of one stream
/// (later batches landing first) almost never decode anything.
/// </summary>
internal sealed class TimestampFilter
{
    private const int BitsPerEntry = 16;
    private const int Probes = 4;

    private readonly ulong[] _words;
    private readonly ulong _bits;

    private TimestampFilter(int capacity)
    {
        Capacity = capacity;
        _words = new ulong[Math.Max(1, ((Math.Max(1, capacity) * BitsPerEntry) + 63) / 64)];
        _bits = (ulong)_words.Length * 64;
    }

    /// <summary>Timestamps the filter holds at its intended false-positive rate; more still work, less well.</summary>
    public int Capacity { get; }

    public long Bytes => 32 + (_words.Length * 8L);

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(long timestamp)
    {
        var h = Mix(timestamp);
        var step = (h >> 32) | 1;
        for (var i = 0; i < Probes; i++)
        {
            var bit = Math.BigMul(h, _bits, out _);
            _words[bit >> 6] |= 1UL << (int)(bit & 63);
            h += step * 0x9E3779B97F4A7C15UL;
        }
    }

    /// <summary>False when the timestamp was never added; true when it may have been.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool MayContain(long timestamp)
    {
        var h = Mix(timestamp);
        var step = (h >> 32) | 1;
        for (var i = 0; i < Probes; i++)
        {
            var bit = Math.BigMul(h, _bits, out _);
            if ((_words[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
            {
                return false;
            }

            h += step * 0x9E3779B97F4A7C15UL;
        }

        return true;
    }

    // A 64-bit finalizer (splitmix64): nearby timestamps land on unrelated bits.
    private static ulong Mix(long value)
    {
        var z = (ulong)value + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
