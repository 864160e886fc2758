using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary>A label filter stage: <c>| status &gt;= 500 and method="GET"</c>.</summary>
public sealed class LabelFilterStage(LabelFilterExpr filter) : PipelineStage
{
    public LabelFilterExpr Filter { get; } = filter;

    public override void Format(StringBuilder sb)
    {
        sb.Append(" | ");
        Filter.Format(sb);
    }
}
