using Runestone.Core.Labels;

namespace Runestone.Agent.Shipping;

/// <summary>An entry ready to ship: final labels (no reserved ones), tenant, time, line, and where it came from.</summary>
public sealed record ShipEntry(LabelSet Labels, string Tenant, long TimestampNs, string Line, LabelPair[]? StructuredMetadata)
{
    public ICommittable? Source { get; init; }

    public long Generation { get; init; }

    public long Offset { get; init; }
}
