using System.Text;
using Runestone.Core.Time;

namespace Runestone.LogQL.Syntax;

/// <summary><c>latency &gt; 250ms</c>: the label's value parsed as a Go duration and compared.</summary>
public sealed class DurationLabelFilter(string name, ComparisonOp op, TimeSpan value) : LabelFilterExpr
{
    public string Name { get; } = name;

    public ComparisonOp Op { get; } = op;

    public TimeSpan Value { get; } = value;

    public override void Format(StringBuilder sb) =>
        sb.Append(Name).Append(OpText(Op)).Append(DurationText.Format(Value));
}
