using System.Text;
using Runestone.Core.Labels;

namespace Runestone.LogQL.Syntax;

/// <summary><c>addr = ip("10.0.0.0/8")</c> or <c>!=</c>: the label's value is an address in the range.</summary>
public sealed class IpLabelFilter(string name, bool negate, string pattern) : LabelFilterExpr
{
    public string Name { get; } = name;

    public bool Negate { get; } = negate;

    public string Pattern { get; } = pattern;

    public override void Format(StringBuilder sb)
    {
        sb.Append(Name).Append(Negate ? "!=" : "=").Append("ip(");
        LabelText.AppendQuoted(sb, Pattern);
        sb.Append(')');
    }
}
