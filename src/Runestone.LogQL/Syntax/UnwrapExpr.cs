using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>| unwrap duration(latency) | __error__=""</c>: the sample value and filters after it.</summary>
public sealed class UnwrapExpr(string label, UnwrapConversion conversion, IReadOnlyList<LabelFilterExpr> postFilters)
{
    public string Label { get; } = label;

    public UnwrapConversion Conversion { get; } = conversion;

    public IReadOnlyList<LabelFilterExpr> PostFilters { get; } = postFilters;

    public void Format(StringBuilder sb)
    {
        sb.Append(' ');
        FormatUnwrap(sb);
        foreach (var filter in PostFilters)
        {
            sb.Append(" | ");
            filter.Format(sb);
        }
    }

    /// <summary>Appends <c>| unwrap duration(x)</c> without the filters that follow it.</summary>
    public void FormatUnwrap(StringBuilder sb)
    {
        sb.Append("| unwrap ");
        switch (Conversion)
        {
            case UnwrapConversion.Duration: sb.Append("duration(").Append(Label).Append(')'); break;
            case UnwrapConversion.DurationSeconds: sb.Append("duration_seconds(").Append(Label).Append(')'); break;
            case UnwrapConversion.Bytes: sb.Append("bytes(").Append(Label).Append(')'); break;
            default: sb.Append(Label); break;
        }
    }
}
