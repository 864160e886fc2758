using Runestone.Core.Logs;

namespace Runestone.LogQL.Log;

/// <summary>A line filter that runs after a parser or formatter (so it cannot be pushed down).</summary>
internal sealed class LineFilterStep(ILineFilter filter) : Stage
{
    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels) => filter.Matches(line);
}
