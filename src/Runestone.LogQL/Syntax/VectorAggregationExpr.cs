using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>sum by (a) (...)</c>, <c>topk(5, ...)</c>, <c>sort_desc(...)</c>.</summary>
public sealed class VectorAggregationExpr(string operation, Grouping? grouping, int? parameter, SampleExpr inner) : SampleExpr
{
    public string Operation { get; } = operation;

    public Grouping? Grouping { get; } = grouping;

    /// <summary>The k of <c>topk</c>/<c>bottomk</c>.</summary>
    public int? Parameter { get; } = parameter;

    public SampleExpr Inner { get; } = inner;

    public override void Format(StringBuilder sb)
    {
        FormatOpening(sb);
        Inner.Format(sb);
        sb.Append(')');
    }

    /// <summary>Appends everything before the inner expression: <c>topk by (a)(5,</c>.</summary>
    public void FormatOpening(StringBuilder sb)
    {
        sb.Append(Operation);
        Grouping?.Format(sb);
        sb.Append('(');
        if (Parameter is { } k)
        {
            sb.Append(k).Append(',');
        }
    }
}
