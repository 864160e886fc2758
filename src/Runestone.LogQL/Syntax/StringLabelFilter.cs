using System.Text;
using Runestone.Core.Labels;

namespace Runestone.LogQL.Syntax;

/// <summary><c>name="v"</c>, <c>!=</c>, <c>=~</c>, <c>!~</c> on an extracted or stream label.</summary>
public sealed class StringLabelFilter(LabelMatcher matcher) : LabelFilterExpr
{
    public LabelMatcher Matcher { get; } = matcher;

    public override void Format(StringBuilder sb) => sb.Append(Matcher.ToString());
}
