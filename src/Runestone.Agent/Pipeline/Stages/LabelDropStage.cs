namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>labeldrop</c>: removes the listed labels.</summary>
public sealed class LabelDropStage(IReadOnlyCollection<string> names) : Stage
{
    public override string Name => "labeldrop";

    protected override bool Apply(PipelineEntry entry)
    {
        foreach (var name in names)
        {
            entry.Labels.Remove(name);
        }

        return true;
    }
}
