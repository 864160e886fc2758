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
