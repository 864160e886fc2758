namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>template</c>: sets an extracted value from a Go template over the extracted map (<c>.Value</c> is the source's value, <c>.Entry</c> the line).</summary>
public sealed class TemplateStage(string source, GoTemplate template) : Stage
{
    public override string Name => "template";

    protected override bool Apply(PipelineEntry entry)
    {
        var data = TemplateData(entry);
        data["Value"] = entry.Extracted.TryGetValue(source, out var v) ? v : null;
        entry.Extracted[source] = template.Execute(data);
        return true;
    }

    internal static Dictionary<string, object?> TemplateData(PipelineEntry entry)
    {
        var data = new Dictionary<string, object?>(entry.Extracted.Count + 2, StringComparer.Ordinal);
        foreach (var (k, val) in entry.Extracted)
        {
            data[k] = val;
        }

        data["Entry"] = entry.Line;
        return data;
    }
}
