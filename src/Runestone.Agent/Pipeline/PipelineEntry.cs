using Runestone.Core.Labels;

namespace Runestone.Agent.Pipeline;

/// <summary>
/// One log entry as it moves through the pipeline: stream labels (including reserved
/// <c>__</c> ones until shipping), the extracted map, the line, its timestamp and structured metadata.
/// </summary>
public sealed class PipelineEntry
{
    /// <summary>The label Promtail's <c>tenant</c> stage sets to route an entry to another tenant.</summary>
    public const string TenantLabel = "__tenant_id__";

    public PipelineEntry(Dictionary<string, string> labels, string line, long timestampNs)
    {
        Labels = labels;
        Line = line;
        TimestampNs = timestampNs;
    }

    public Dictionary<string, string> Labels { get; set; }

    public Dictionary<string, string> Extracted { get; } = new(8, StringComparer.Ordinal);

    public string Line { get; set; }

    public long TimestampNs { get; set; }

    public List<LabelPair>? StructuredMetadata { get; set; }

    /// <summary>Nanoseconds when the agent read the line (used by <c>drop.older_than</c> and <c>pack</c>).</summary>
    public long ReadTimeNs { get; set; }

    /// <summary>The labels as a stable text key (for per-stream state in stages).</summary>
    public string StreamKey()
    {
        var pairs = new List<LabelPair>(Labels.Count);
        foreach (var (k, v) in Labels)
        {
            pairs.Add(new LabelPair(k, v));
        }

        return LabelSet.FromList(pairs).ToString();
    }

    /// <summary>
    /// Makes a finished entry new again for the next line of the same reader, reusing its two
    /// dictionaries: a reader that recycles its entries allocates no maps per line. Only for an
    /// entry that no stage and no sink still holds.
    /// </summary>
    public void Reuse(Dictionary<string, string> labels, string line, long timestampNs)
    {
        Labels.Clear();
        foreach (var (k, v) in labels)
        {
            Labels[k] = v;
        }

        Extracted.Clear();
        Line = line;
        TimestampNs = timestampNs;
        ReadTimeNs = timestampNs;
        StructuredMetadata = null;
    }

    public PipelineEntry CloneWith(string line) => new(new Dictionary<string, string>(Labels, StringComparer.Ordinal), line, TimestampNs)
    {
        StructuredMetadata = StructuredMetadata is null ? null : [.. StructuredMetadata],
        ReadTimeNs = ReadTimeNs,
    };
}
