using System.Text;
using Runestone.Core.Labels;

namespace Runestone.LogQL.Syntax;

/// <summary><c>label_replace(v, "dst", "$1", "src", "(.*)")</c>, as in Prometheus.</summary>
public sealed class LabelReplaceExpr(SampleExpr inner, string destination, string replacement, string source, string regex) : SampleExpr
{
    public SampleExpr Inner { get; } = inner;

    public string Destination { get; } = destination;

    public string Replacement { get; } = replacement;

    public string Source { get; } = source;

    public string Regex { get; } = regex;

    public override void Format(StringBuilder sb)
    {
        sb.Append("label_replace(");
        Inner.Format(sb);
        FormatArguments(sb);
    }

    /// <summary>Appends everything after the inner expression: <c>,"dst","$1","src","(.*)")</c>.</summary>
    public void FormatArguments(StringBuilder sb)
    {
        foreach (var arg in (ReadOnlySpan<string>)[Destination, Replacement, Source, Regex])
        {
            sb.Append(',');
            LabelText.AppendQuoted(sb, arg);
        }

        sb.Append(')');
    }
}
