namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>tenant</c>: routes the entry to a tenant from a fixed value, an extracted value or a label.</summary>
public sealed class TenantStage(string? source, string? value, string? label) : Stage
{
    public override string Name => "tenant";

    protected override bool Apply(PipelineEntry entry)
    {
        string? tenant = value;
        if (source is not null)
        {
            entry.Extracted.TryGetValue(source, out tenant);
        }
        else if (label is not null)
        {
            entry.Labels.TryGetValue(label, out tenant);
        }

        if (!string.IsNullOrEmpty(tenant))
        {
            entry.Labels[PipelineEntry.TenantLabel] = tenant;
        }

        return true;
    }
}
