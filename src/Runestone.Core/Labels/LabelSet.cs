using System.IO.Hashing;
using System.Text;

namespace Runestone.Core.Labels;

/// <summary>
/// An immutable label set sorted by name, with names unique. A stream is identified by its
/// label set; <see cref="Fingerprint"/> is a stable 64-bit hash of the sorted pairs.
/// </summary>
public sealed class LabelSet : IEquatable<LabelSet>
{
    private readonly LabelPair[] _pairs;
    private string? _text;

    /// <summary>The empty label set.</summary>
    public static LabelSet Empty { get; } = new([], 0);

    private LabelSet(LabelPair[] sortedPairs, ulong fingerprint)
    {
        _pairs = sortedPairs;
        Fingerprint = fingerprint;
    }

    /// <summary>Stable hash of the sorted pairs (xxHash64 over name 0xFF value 0xFF ...).</summary>
    public ulong Fingerprint { get; }

    public int Count => _pairs.Length;

    public LabelPair this[int index] => _pairs[index];

    public ReadOnlySpan<LabelPair> Pairs => _pairs;

    /// <summary>Builds a set from pairs in any order; a later duplicate name replaces an earlier one.</summary>
    public static LabelSet FromPairs(IEnumerable<LabelPair> pairs)
    {
        var list = new List<LabelPair>(pairs);
        return FromList(list);
    }

    /// <summary>Builds a set from a list it may reorder; a later duplicate name replaces an earlier one.</summary>
    public static LabelSet FromList(List<LabelPair> list)
    {
        if (list.Count == 0)
        {
            return Empty;
        }

        // Stable sort so that "last one wins" on duplicate names.
        var array = list.ToArray();
        var keys = new (string Name, int Index)[array.Length];
        for (var i = 0; i < array.Length; i++)
        {
            keys[i] = (array[i].Name, i);
        }

        Array.Sort(keys, static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Name, b.Name);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });

        var result = new List<LabelPair>(array.Length);
        foreach (var (name, index) in keys)
        {
            if (result.Count > 0 && result[^1].Name == name)
            {
                result[^1] = array[index];
            }
            else
            {
                result.Add(array[index]);
            }
        }

        var sorted = result.ToArray();
        return new LabelSet(sorted, ComputeFingerprint(sorted));
    }

    /// <summary>Wraps pairs already sorted by name with unique names (the caller guarantees it).</summary>
    public static LabelSet FromSorted(LabelPair[] sortedPairs) =>
        sortedPairs.Length == 0 ? Empty : new LabelSet(sortedPairs, ComputeFingerprint(sortedPairs));

    public static LabelSet Of(params (string Name, string Value)[] pairs)
    {
        var list = new List<LabelPair>(pairs.Length);
        foreach (var (name, value) in pairs)
        {
            list.Add(new LabelPair(name, value));
        }

        return FromList(list);
    }

    public string? Get(string name)
    {
        foreach (var pair in _pairs)
        {
            if (pair.Name == name)
            {
                return pair.Value;
            }
        }

        return null;
    }

    public bool TryGet(string name, out string value)
    {
        var found = Get(name);
        value = found ?? string.Empty;
        return found is not null;
    }

    /// <summary>Returns a builder seeded with this set's pairs.</summary>
    public List<LabelPair> ToList() => [.. _pairs];

    /// <summary>Prometheus text form: <c>{a="1", b="2"}</c>, values escaped like Go's %q.</summary>
    public override string ToString() => _text ??= Format(_pairs);

    public static string Format(ReadOnlySpan<LabelPair> pairs)
    {
        var sb = new StringBuilder(pairs.Length * 24);
        sb.Append('{');
        for (var i = 0; i < pairs.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(pairs[i].Name).Append('=');
            LabelText.AppendQuoted(sb, pairs[i].Value);
        }

        sb.Append('}');
        return sb.ToString();
    }

    public bool Equals(LabelSet? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (Fingerprint != other.Fingerprint || _pairs.Length != other._pairs.Length)
        {
            return false;
        }

        return _pairs.AsSpan().SequenceEqual(other._pairs);
    }

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode() => (int)Fingerprint ^ (int)(Fingerprint >> 32);

    private static ulong ComputeFingerprint(ReadOnlySpan<LabelPair> pairs)
    {
        var hash = new XxHash64();
        Span<byte> buffer = stackalloc byte[256];
        Span<byte> separator = [0xFF];
        foreach (var pair in pairs)
        {
            AppendUtf8(hash, pair.Name, buffer);
            hash.Append(separator);
            AppendUtf8(hash, pair.Value, buffer);
            hash.Append(separator);
        }

        return hash.GetCurrentHashAsUInt64();
    }

    private static void AppendUtf8(XxHash64 hash, string text, Span<byte> buffer)
    {
        if (Encoding.UTF8.GetMaxByteCount(text.Length) <= buffer.Length)
        {
            var written = Encoding.UTF8.GetBytes(text, buffer);
            hash.Append(buffer[..written]);
        }
        else
        {
            hash.Append(Encoding.UTF8.GetBytes(text));
        }
    }
}
