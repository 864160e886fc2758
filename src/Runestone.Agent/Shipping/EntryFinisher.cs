using Runestone.Agent.Pipeline;
using Runestone.Core.Labels;

namespace Runestone.Agent.Shipping;

/// <summary>Turns a pipeline entry into a <see cref="ShipEntry"/>: reserved <c>__</c> labels and empty values removed, tenant taken out.</summary>
public static class EntryFinisher
{
    /// <summary>Like <see cref="Finish(PipelineEntry, ICommittable?, long, long)"/> with label sets reused from <paramref name="cache"/>.</summary>
    public static ShipEntry Finish(PipelineEntry e, LabelSetCache cache, ICommittable? source, long generation, long offset)
    {
        var labels = cache.Get(e.Labels, out var tenant);
        return new ShipEntry(labels, tenant, e.TimestampNs, e.Line, e.StructuredMetadata?.ToArray())
        {
            Source = source,
            Generation = generation,
            Offset = offset,
        };
    }

    public static ShipEntry Finish(PipelineEntry e, ICommittable? source, long generation, long offset)
    {
        var pairs = new List<LabelPair>(e.Labels.Count);
        var tenant = string.Empty;
        foreach (var (k, v) in e.Labels)
        {
            if (k == PipelineEntry.TenantLabel)
            {
                tenant = v;
                continue;
            }

            if (v.Length == 0 || k.StartsWith("__", StringComparison.Ordinal))
            {
                continue;
            }

            pairs.Add(new LabelPair(k, v));
        }

        return new ShipEntry(LabelSet.FromList(pairs), tenant, e.TimestampNs, e.Line, e.StructuredMetadata?.ToArray())
        {
            Source = source,
            Generation = generation,
            Offset = offset,
        };
    }
}
