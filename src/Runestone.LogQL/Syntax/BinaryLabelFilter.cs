using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>a and b</c> (also written <c>a, b</c> or <c>a b</c>) or <c>a or b</c>.</summary>
public sealed class BinaryLabelFilter(bool isAnd, LabelFilterExpr left, LabelFilterExpr right) : LabelFilterExpr
{
    public bool IsAnd { get; } = isAnd;

    public LabelFilterExpr Left { get; } = left;

    public LabelFilterExpr Right { get; } = right;

    public override void Format(StringBuilder sb)
    {
        FormatChild(sb, Left);
        sb.Append(IsAnd ? " and " : " or ");
        FormatChild(sb, Right);
    }

    private static void FormatChild(StringBuilder sb, LabelFilterExpr child)
    {
        if (child is BinaryLabelFilter)
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
