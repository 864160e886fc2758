namespace Runestone.LogQL.Templates;

/// <summary>
/// The data a template sees as <c>.</c>: fields are read by name, like Go's index of a
/// <c>map[string]T</c>. Lets callers hand over their own storage (labels, Promtail's extracted
/// map) without copying it into a dictionary for every line.
/// </summary>
public interface ITemplateData
{
    /// <summary>The field <paramref name="name"/>; false when absent (a Go map miss, printed <c>&lt;no value&gt;</c>).</summary>
    bool TryGetField(string name, out object? value);

    /// <summary>All fields as a map, for the rare template that prints, ranges over or passes <c>.</c> itself.</summary>
    Dictionary<string, object?> ToMap();
}
