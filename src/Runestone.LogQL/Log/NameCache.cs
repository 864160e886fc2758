using System.IO.Hashing;
using System.Text;

namespace Runestone.LogQL.Log;

/// <summary>
/// Maps the UTF-8 bytes of keys seen in lines to their sanitised label names, so a parser
/// does not allocate a name string for every key of every line. Bounded; one per stream pipeline.
/// </summary>
internal sealed class NameCache
{
    private const int MaxEntries = 2048;
    private readonly Dictionary<ulong, (byte[] Key, string Name)> _entries = [];

    public string Get(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key)
    {
        var hash = XxHash3.HashToUInt64(key, (long)XxHash3.HashToUInt64(prefix));
        if (_entries.TryGetValue(hash, out var entry) && Matches(entry.Key, prefix, key))
        {
            return entry.Name;
        }

        var full = new byte[prefix.Length + key.Length];
        prefix.CopyTo(full);
        key.CopyTo(full.AsSpan(prefix.Length));
        var name = LabelNames.Sanitize(Encoding.UTF8.GetString(full));
        if (_entries.Count < MaxEntries)
        {
            _entries[hash] = (full, name);
        }

        return name;
    }

    private static bool Matches(byte[] stored, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key) =>
        stored.Length == prefix.Length + key.Length && stored.AsSpan(0, prefix.Length).SequenceEqual(prefix) && stored.AsSpan(prefix.Length).SequenceEqual(key);
}
