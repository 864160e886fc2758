using System.Text;
using Runestone.Core.Labels;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// A line filter: <c>|= "a"</c>, <c>|~ "a|b"</c>, <c>|= "a" or "b"</c>, <c>|&gt; "&lt;_&gt; x"</c>,
/// or <c>|= ip("10.0.0.0/8")</c>. Several values are alternatives joined by <c>or</c>.
/// </summary>
public sealed class LineFilterStage : PipelineStage
{
    public LineFilterStage(LineFilterOp op, IReadOnlyList<string> values, bool isIp)
    {
        Op = op;
        Values = values;
        IsIp = isIp;
    }

    public LineFilterOp Op { get; }

    public IReadOnlyList<string> Values { get; }

    /// <summary>True for <c>ip("...")</c> values.</summary>
    public bool IsIp { get; }

    public override void Format(StringBuilder sb)
    {
        sb.Append(' ').Append(Op switch
        {
            LineFilterOp.Contains => "|=",
            LineFilterOp.NotContains => "!=",
            LineFilterOp.Regex => "|~",
            LineFilterOp.NotRegex => "!~",
            LineFilterOp.Pattern => "|>",
            _ => "!>",
        }).Append(' ');
        for (var i = 0; i < Values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" or ");
            }

            if (IsIp)
            {
                sb.Append("ip(");
                LabelText.AppendQuoted(sb, Values[i]);
                sb.Append(')');
            }
            else
            {
                LabelText.AppendQuoted(sb, Values[i]);
            }
        }
    }
}
