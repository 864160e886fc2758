using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary>A label filter predicate: a comparison, or <c>and</c>/<c>or</c> of two filters.</summary>
public abstract class LabelFilterExpr
{
    public abstract void Format(StringBuilder sb);

    public override string ToString()
    {
        var sb = new StringBuilder();
        Format(sb);
        return sb.ToString();
    }

    internal static string OpText(ComparisonOp op) => op switch
    {
        ComparisonOp.Eq => "==",
        ComparisonOp.Neq => "!=",
        ComparisonOp.Gt => ">",
        ComparisonOp.Gte => ">=",
        ComparisonOp.Lt => "<",
        _ => "<=",
    };
}
