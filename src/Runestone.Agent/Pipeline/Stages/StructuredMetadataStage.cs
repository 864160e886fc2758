using Runestone.Core.Labels;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>structured_metadata</c>: attaches extracted values (or labels) as the entry's structured metadata.</summary>
public sealed class StructuredMetadataStage(IReadOnlyList<KeyValuePair<string, string?>> mapping) : Stage
{
    public override string Name => "structured_metadata";

    protected override bool Apply(PipelineEntry entry)
    {
        foreach (var (name, source) in mapping)
        {
            var key = source ?? name;
            if (entry.Extracted.TryGetValue(key, out var value) || entry.Labels.TryGetValue(key, out value))
            {
                entry.StructuredMetadata ??= [];
                entry.StructuredMetadata.RemoveAll(p => p.Name == name);
                entry.StructuredMetadata.Add(new LabelPair(name, value));
            }
        }

        return true;
    }
}
