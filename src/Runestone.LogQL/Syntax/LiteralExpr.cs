using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary>A number literal: a scalar.</summary>
public sealed class LiteralExpr(double value) : SampleExpr
{
    public double Value { get; } = value;

    public override void Format(StringBuilder sb) => sb.Append(NumberText.Format(Value));
}
