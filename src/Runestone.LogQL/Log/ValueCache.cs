using System.IO.Hashing;
using System.Text;

namespace Runestone.LogQL.Log;

/// <summary>
/// Interns short label values (status codes, levels, methods) by their UTF-8 bytes so that
/// repeated values do not allocate a string per line. Bounded; one per stream pipeline. Once
/// full, a field whose values rarely repeat (durations, ids) stops paying for the hash and the
/// lookup: after a window of mostly misses the cache is bypassed for a while, then probed again.
/// </summary>
internal sealed class ValueCache
{
    private const int MaxEntries = 4096;
    private const int MaxLength = 64;
    private const int Window = 1024;
    private const int BypassLength = 16 * Window;
    private readonly Dictionary<ulong, (byte[] Bytes, string Value)> _entries = [];
    private int _lookups;
    private int _hits;
    private int _bypass;

    public string Get(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return string.Empty;
        }

        if (value.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(value);
        }

        if (_bypass > 0)
        {
            _bypass--;
            return Encoding.UTF8.GetString(value);
        }

        var hash = XxHash3.HashToUInt64(value);
        if (_entries.TryGetValue(hash, out var entry) && entry.Bytes.AsSpan().SequenceEqual(value))
        {
            if (_entries.Count >= MaxEntries)
            {
                _hits++;
                Count();
            }

            return entry.Value;
        }

        var text = Encoding.UTF8.GetString(value);
        if (_entries.Count < MaxEntries)
        {
            _entries[hash] = (value.ToArray(), text);
        }
        else
        {
            Count();
        }

        return text;
    }

    // Called only while the cache is full (a filling cache misses by design).
    private void Count()
    {
        if (++_lookups < Window)
        {
            return;
        }

        if (_hits < Window / 4)
        {
            _bypass = BypassLength;
        }

        _lookups = 0;
        _hits = 0;
    }
}
