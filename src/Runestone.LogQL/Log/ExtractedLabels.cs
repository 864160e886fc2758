namespace Runestone.LogQL.Log;

/// <summary>
/// Adds parser output to the builder with Loki's rules: a name that clashes with a stream label
/// gets the <c>_extracted</c> suffix, and when a key repeats in one line the first value wins.
/// </summary>
internal sealed class ExtractedLabels
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public void Begin() => _seen.Clear();

    public void Add(LabelsBuilder labels, string name, string value)
    {
        if (labels.BaseHas(name))
        {
            name += LabelNames.ExtractedSuffix;
        }

        if (_seen.Add(name))
        {
            labels.Set(name, value);
        }
    }
}
