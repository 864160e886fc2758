using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>vector(1)</c>: a one-sample vector with no labels at every step.</summary>
public sealed class VectorExpr(double value) : SampleExpr
{
    public double Value { get; } = value;

    public override void Format(StringBuilder sb) => sb.Append("vector(").Append(NumberText.Format(Value)).Append(')');
}
