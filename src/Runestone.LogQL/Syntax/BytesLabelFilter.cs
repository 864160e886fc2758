using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>size &gt; 20KB</c>: the label's value parsed as a byte size and compared.</summary>
public sealed class BytesLabelFilter(string name, ComparisonOp op, double value, string text) : LabelFilterExpr
{
    public string Name { get; } = name;

    public ComparisonOp Op { get; } = op;

    /// <summary>The size in bytes.</summary>
    public double Value { get; } = value;

    /// <summary>The size as written, e.g. <c>20KB</c>.</summary>
    public string Text { get; } = text;

    public override void Format(StringBuilder sb) => sb.Append(Name).Append(OpText(Op)).Append(Text);
}
