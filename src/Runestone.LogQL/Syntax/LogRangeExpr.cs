using System.Text;
using Runestone.Core.Time;

namespace Runestone.LogQL.Syntax;

/// <summary><c>{app="a"} |= "x" | unwrap n [5m] offset 1h</c>: a log selector over a time window.</summary>
public sealed class LogRangeExpr(LogSelectorExpr selector, TimeSpan range, TimeSpan offset, UnwrapExpr? unwrap)
{
    public LogSelectorExpr Selector { get; } = selector;

    public TimeSpan Range { get; } = range;

    public TimeSpan Offset { get; } = offset;

    public UnwrapExpr? Unwrap { get; } = unwrap;

    public long RangeNs => UnixNanos.FromTimeSpan(Range);

    public long OffsetNs => UnixNanos.FromTimeSpan(Offset);

    public void Format(StringBuilder sb)
    {
        Selector.Format(sb);
        Unwrap?.Format(sb);
        sb.Append('[').Append(DurationText.Format(Range)).Append(']');
        if (Offset != TimeSpan.Zero)
        {
            sb.Append(" offset ").Append(DurationText.Format(Offset));
        }
    }
}
