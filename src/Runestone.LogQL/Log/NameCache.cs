using System.IO.Hashing;
using System.Text;

namespace Runestone.LogQL.Log;

/// <summary>
/// Maps the UTF-8 bytes of keys seen in lines to their sanitised label names, so a parser
/// does not allocate a name string for every key of every line. Bounded; one per stream pipeline.
/// With hints (the labels a metric query actually uses) it answers null for every other key,
/// so parsers skip their values entirely.
/// </summary>
internal sealed class NameCache(IReadOnlySet<string>? wanted = null)
{
    private const int MaxEntries = 2048;
    private readonly Dictionary<ulong, (byte[] Key, string? Name, bool Descend)> _entries = [];

    /// <summary>The sanitised label name, or null when hints say the label is not needed.</summary>
    public string? Get(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key) => Lookup(prefix, key, out _);

    /// <summary>
    /// Like <see cref="Get"/>; <paramref name="descend"/> tells a JSON parser whether any wanted
    /// label lies under this key as an object (name + "_" ...), so it can skip the whole object.
    /// </summary>
    public string? Lookup(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key, out bool descend)
    {
        var hash = prefix.IsEmpty ? XxHash3.HashToUInt64(key) : XxHash3.HashToUInt64(key, (long)XxHash3.HashToUInt64(prefix));
        if (_entries.TryGetValue(hash, out var entry) && Matches(entry.Key, prefix, key))
        {
            descend = entry.Descend;
            return entry.Name;
        }

        var full = new byte[prefix.Length + key.Length];
        prefix.CopyTo(full);
        key.CopyTo(full.AsSpan(prefix.Length));
        var sanitized = LabelNames.Sanitize(Encoding.UTF8.GetString(full));
        string? name = sanitized;
        descend = true;
        if (wanted is not null)
        {
            if (!wanted.Contains(sanitized) && !wanted.Contains(sanitized + LabelNames.ExtractedSuffix))
            {
                name = null;
            }

            descend = false;
            foreach (var w in wanted)
            {
                if (w.Length > sanitized.Length && w.StartsWith(sanitized, StringComparison.Ordinal) && w[sanitized.Length] == '_')
                {
                    descend = true;
                    break;
                }
            }
        }

        if (_entries.Count < MaxEntries)
        {
            _entries[hash] = (full, name, descend);
        }

        return name;
    }

    private static bool Matches(byte[] stored, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key) =>
        stored.Length == prefix.Length + key.Length && stored.AsSpan(0, prefix.Length).SequenceEqual(prefix) && stored.AsSpan(prefix.Length).SequenceEqual(key);
}
