namespace Runestone.LogQL.Log;

/// <summary>A label filter stage.</summary>
internal sealed class LabelFilterStep(LabelPredicate predicate) : Stage
{
    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels) => predicate.Test(labels);
}
