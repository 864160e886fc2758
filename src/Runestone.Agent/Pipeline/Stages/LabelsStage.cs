using Runestone.Core.Labels;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>labels</c>: sets stream labels from extracted values (an empty source means the same name).</summary>
public sealed class LabelsStage(IReadOnlyList<KeyValuePair<string, string?>> mapping) : Stage
{
    public override string Name => "labels";

    protected override bool Apply(PipelineEntry entry)
    {
        foreach (var (label, source) in mapping)
        {
            if (entry.Extracted.TryGetValue(source ?? label, out var value) && LabelText.IsValidName(label))
            {
                entry.Labels[label] = value;
            }
        }

        return true;
    }
}
