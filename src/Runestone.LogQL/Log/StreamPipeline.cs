using Runestone.Core.Labels;

namespace Runestone.LogQL.Log;

/// <summary>The pipeline of one stream: its stages and label builder. Not thread-safe; one per stream.</summary>
internal sealed class StreamPipeline
{
    private readonly Stage[] _stages;
    private readonly LabelsBuilder _labels;

    public StreamPipeline(Stage[] stages, LabelSet streamLabels)
    {
        _stages = stages;
        _labels = new LabelsBuilder(streamLabels);
    }

    public LabelsBuilder Builder => _labels;

    /// <summary>Runs the entry through the stages; false when a stage dropped it.</summary>
    public bool Process(long timestampNs, ReadOnlySpan<byte> line, ReadOnlySpan<LabelPair> metadata, out ReadOnlySpan<byte> output)
    {
        _labels.Reset(metadata);
        foreach (var stage in _stages)
        {
            if (!stage.Process(timestampNs, ref line, _labels))
            {
                output = default;
                return false;
            }
        }

        output = line;
        return true;
    }

    /// <summary>The labels of the entry last processed.</summary>
    public LabelSet Labels() => _labels.Labels();

    /// <summary>The labels of the entry last processed, split into stream, structured metadata and parsed.</summary>
    public CategorizedLabels Categorized() => _labels.Categorized();
}
