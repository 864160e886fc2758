namespace Runestone.LogQL.Log;

/// <summary>
/// One executable pipeline stage, owned by one stream's pipeline (so it may keep buffers).
/// A stage that rewrites the line points the line at its own buffer.
/// </summary>
internal abstract class Stage
{
    /// <summary>Returns false to drop the entry.</summary>
    public abstract bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels);
}
