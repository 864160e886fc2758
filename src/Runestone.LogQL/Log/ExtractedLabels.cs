namespace Runestone.LogQL.Log;

/// <summary>
/// Adds parser output to the builder with Loki's rules: a name that clashes with a stream label
/// gets the <c>_extracted</c> suffix, and when a key repeats in one line the first value wins.
/// </summary>
internal sealed class ExtractedLabels
{
    // Few keys per line and names interned by NameCache: a list beats hashing every name.
    private readonly List<string> _seen = [];

    public void Begin() => _seen.Clear();

    /// <summary>Distinct labels added since <see cref="Begin"/>.</summary>
    public int Count => _seen.Count;

    /// <summary>
    /// How many distinct labels a parser given <paramref name="hints"/> must extract before it may
    /// stop reading the line (Loki's parser hints stop once all required labels are extracted).
    /// Reserved <c>__</c> names never come from a line; with no hints, or none a line can supply,
    /// there is no early stop.
    /// </summary>
    public static int RequiredBeforeStop(IReadOnlySet<string>? hints)
    {
        if (hints is null)
        {
            return int.MaxValue;
        }

        var count = 0;
        foreach (var name in hints)
        {
            if (!name.StartsWith("__", StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count == 0 ? int.MaxValue : count;
    }

    public void Add(LabelsBuilder labels, string name, string value)
    {
        if (labels.BaseHas(name))
        {
            name += LabelNames.ExtractedSuffix;
        }

        foreach (var seen in _seen)
        {
            if (ReferenceEquals(seen, name) || seen == name)
            {
                return;
            }
        }

        _seen.Add(name);
        labels.Set(name, value);
    }
}
