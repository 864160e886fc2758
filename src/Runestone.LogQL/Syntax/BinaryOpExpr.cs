using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// <c>a + b</c>, <c>a &gt; bool 1</c>, <c>a and on (x) b</c>: arithmetic, comparison and set
/// operators between vectors and scalars.
/// </summary>
public sealed class BinaryOpExpr(string op, SampleExpr left, SampleExpr right, bool returnBool, VectorMatching? matching) : SampleExpr
{
    /// <summary>The operator: + - * / % ^ == != &gt; &gt;= &lt; &lt;= and or unless.</summary>
    public string Op { get; } = op;

    public SampleExpr Left { get; } = left;

    public SampleExpr Right { get; } = right;

    public bool ReturnBool { get; } = returnBool;

    public VectorMatching? Matching { get; } = matching;

    public bool IsComparison => Op is "==" or "!=" or ">" or ">=" or "<" or "<=";

    public bool IsSetOp => Op is "and" or "or" or "unless";

    public override void Format(StringBuilder sb)
    {
        FormatChild(sb, Left);
        sb.Append(' ').Append(Op);
        if (ReturnBool)
        {
            sb.Append(" bool");
        }

        Matching?.Format(sb);
        sb.Append(' ');
        FormatChild(sb, Right);
    }

    private static void FormatChild(StringBuilder sb, SampleExpr child)
    {
        if (child is BinaryOpExpr)
        {
            sb.Append('(');
            child.Format(sb);
            sb.Append(')');
        }
        else
        {
            child.Format(sb);
        }
    }
}
