using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>rate({...}[5m])</c>, <c>quantile_over_time(0.99, {...} | unwrap x [1m]) by (a)</c>.</summary>
public sealed class RangeAggregationExpr(string operation, LogRangeExpr range, double? parameter, Grouping? grouping) : SampleExpr
{
    public string Operation { get; } = operation;

    public LogRangeExpr Range { get; } = range;

    /// <summary>The φ of <c>quantile_over_time</c>.</summary>
    public double? Parameter { get; } = parameter;

    public Grouping? Grouping { get; } = grouping;

    public override void Format(StringBuilder sb)
    {
        sb.Append(Operation).Append('(');
        if (Parameter is { } p)
        {
            sb.Append(NumberText.Format(p)).Append(',');
        }

        Range.Format(sb);
        sb.Append(')');
        Grouping?.Format(sb);
    }
}
