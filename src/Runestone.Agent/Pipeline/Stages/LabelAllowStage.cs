namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>labelallow</c>: keeps only the listed labels (reserved <c>__</c> labels stay for the agent's own use).</summary>
public sealed class LabelAllowStage(IReadOnlyCollection<string> allowed) : Stage
{
    private readonly HashSet<string> _allowed = new(allowed, StringComparer.Ordinal);

    public override string Name => "labelallow";

    protected override bool Apply(PipelineEntry entry)
    {
        foreach (var name in entry.Labels.Keys.ToArray())
        {
            if (!_allowed.Contains(name) && !name.StartsWith("__", StringComparison.Ordinal))
            {
                entry.Labels.Remove(name);
            }
        }

        return true;
    }
}
