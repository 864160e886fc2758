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


    /// <summary>Sets the label (renamed with <c>_extracted</c> over a stream or metadata label); returns the name set, or null for a repeated key.</summary>
    public string? Add(LabelsBuilder labels, string name, string value)
    {
        if (labels.BaseHas(name))
        {
            name += LabelNames.ExtractedSuffix;
        }

        foreach (var seen in _seen)
        {
            if (ReferenceEquals(seen, name) || seen == name)
            {
                return null;
            }
        }

        _seen.Add(name);
        labels.Set(name, value);
        return name;
    }
}
