namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>static_labels</c>: adds fixed labels.</summary>
public sealed class StaticLabelsStage(IReadOnlyList<KeyValuePair<string, string?>> labels) : Stage
{
    public override string Name => "static_labels";

    protected override bool Apply(PipelineEntry entry)
    {
        foreach (var (name, value) in labels)
        {
            if (!string.IsNullOrEmpty(value))
            {
                entry.Labels[name] = value;
            }
        }

        return true;
    }
}
