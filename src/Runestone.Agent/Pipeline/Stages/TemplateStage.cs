namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// <c>template</c>: sets an extracted value from a Go template over the extracted map (<c>.Value</c>
/// is the source's value when it exists, <c>.Entry</c> the line). Like Promtail, an empty result
/// removes the key and a failing template leaves it alone.
/// </summary>
public sealed class TemplateStage(string source, StageTemplate template) : Stage
{
    public override string Name => "template";

    protected override bool Apply(PipelineEntry entry)
    {
        var value = entry.Extracted.TryGetValue(source, out var v) ? v : null;
        if (!template.TryRender(entry.Extracted, value, entry.Line, out var result))
        {
            return true;
        }

        if (result.Length == 0)
        {
            entry.Extracted.Remove(source);
        }
        else
        {
            entry.Extracted[source] = result;
        }

        return true;
    }
}
