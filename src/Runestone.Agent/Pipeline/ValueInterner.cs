namespace Runestone.Agent.Pipeline;

/// <summary>
/// Returns one shared string per distinct short value (levels, status codes, stream names), so
/// stages that capture the same few values line after line do not allocate a string each time.
/// Values longer than <see cref="MaxLength"/> and values beyond <see cref="MaxEntries"/> distinct
/// ones are returned as new strings. Not thread-safe: one per stage instance.
/// </summary>
public sealed class ValueInterner
{
    /// <summary>Longer values are rarely repeated (ids, messages) and are not kept.</summary>
    public const int MaxLength = 32;

    /// <summary>Bound on the distinct values kept, so a high-cardinality capture cannot grow memory.</summary>
    public const int MaxEntries = 4096;

    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public ValueInterner()
    {
        _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The shared string equal to <paramref name="value"/>.</summary>
    public string Get(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return string.Empty;
        }

        if (value.Length > MaxLength)
        {
            return value.ToString();
        }

        if (_lookup.TryGetValue(value, out var shared))
        {
            return shared;
        }

        var created = value.ToString();
        if (_values.Count < MaxEntries)
        {
            _values.Add(created);
        }

        return created;
    }
}
