using System.IO.Hashing;
using System.Text;

namespace Runestone.LogQL.Log;

/// <summary>
/// Interns short label values (status codes, levels, methods) by their UTF-8 bytes so that
/// repeated values do not allocate a string per line. Bounded; one per stream pipeline.
/// </summary>
internal sealed class ValueCache
{
    private const int MaxEntries = 4096;
    private const int MaxLength = 64;
    private readonly Dictionary<ulong, (byte[] Bytes, string Value)> _entries = [];

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

        var hash = XxHash3.HashToUInt64(value);
        if (_entries.TryGetValue(hash, out var entry) && entry.Bytes.AsSpan().SequenceEqual(value))
        {
            return entry.Value;
        }

        var text = Encoding.UTF8.GetString(value);
        if (_entries.Count < MaxEntries)
        {
            _entries[hash] = (value.ToArray(), text);
        }

        return text;
    }
}
