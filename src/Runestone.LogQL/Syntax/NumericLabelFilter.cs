using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>status &gt;= 500</c>: the label's value parsed as a float and compared.</summary>
public sealed class NumericLabelFilter(string name, ComparisonOp op, double value) : LabelFilterExpr
{
    public string Name { get; } = name;

    public ComparisonOp Op { get; } = op;

    public double Value { get; } = value;

    public override void Format(StringBuilder sb) =>
        sb.Append(Name).Append(OpText(Op)).Append(NumberText.Format(Value));
}
