namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>output</c>: replaces the line with an extracted value.</summary>
public sealed class OutputStage(string source) : Stage
{
    public override string Name => "output";

    protected override bool Apply(PipelineEntry entry)
    {
        if (entry.Extracted.TryGetValue(source, out var value))
        {
            entry.Line = value;
        }

        return true;
    }
}
