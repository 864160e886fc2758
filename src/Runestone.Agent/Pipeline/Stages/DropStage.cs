using System.Text;
using System.Text.RegularExpressions;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// <c>drop</c>: drops the entry when every configured condition holds (source present / equal to
/// value / matching expression, older than, longer than).
/// </summary>
public sealed class DropStage(IReadOnlyList<string> sources, string separator, Regex? expression, string? value, TimeSpan? olderThan, long? longerThan, string reason, StageContext context) : Stage
{
    public override string Name => "drop";

    protected override bool Apply(PipelineEntry entry)
    {
        if (ShouldDrop(entry))
        {
            context.Dropped(reason);
            return false;
        }

        return true;
    }

    private bool ShouldDrop(PipelineEntry entry)
    {
        if (longerThan is { } max && Encoding.UTF8.GetByteCount(entry.Line) <= max)
        {
            return false;
        }

        if (olderThan is { } age && entry.TimestampNs >= Runestone.Core.Time.UnixNanos.Now(context.Clock) - Runestone.Core.Time.UnixNanos.FromTimeSpan(age))
        {
            return false;
        }

        if (sources.Count > 0)
        {
            var parts = new List<string>(sources.Count);
            foreach (var s in sources)
            {
                if (!entry.Extracted.TryGetValue(s, out var v))
                {
                    return false;
                }

                parts.Add(v);
            }

            var joined = string.Join(separator, parts);
            if (value is not null && joined != value)
            {
                return false;
            }

            if (expression is not null && !expression.IsMatch(joined))
            {
                return false;
            }

            return true;
        }

        if (value is not null)
        {
            return false;
        }

        if (expression is not null && !expression.IsMatch(entry.Line))
        {
            return false;
        }

        return expression is not null || olderThan is not null || longerThan is not null;
    }
}
