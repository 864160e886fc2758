using System.Text;
using Runestone.Core.Labels;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// A parser stage: <c>| json</c>, <c>| json a="b.c"</c>, <c>| logfmt --strict</c>,
/// <c>| regexp "(?P&lt;x&gt;...)"</c>, <c>| pattern "&lt;a&gt; &lt;_&gt;"</c>, <c>| unpack</c>.
/// </summary>
public sealed class ParserStage : PipelineStage
{
    public ParserStage(ParserKind kind, string? expression, IReadOnlyList<LabelExtraction> parameters, bool strict, bool keepEmpty)
    {
        Kind = kind;
        Expression = expression;
        Parameters = parameters;
        Strict = strict;
        KeepEmpty = keepEmpty;
    }

    public ParserKind Kind { get; }

    /// <summary>The regular expression or pattern of <c>regexp</c> and <c>pattern</c>.</summary>
    public string? Expression { get; }

    public IReadOnlyList<LabelExtraction> Parameters { get; }

    /// <summary><c>logfmt --strict</c>: stop at the first malformed pair and set <c>__error__</c>.</summary>
    public bool Strict { get; }

    /// <summary><c>logfmt --keep-empty</c>: keep standalone keys as labels with empty values.</summary>
    public bool KeepEmpty { get; }

    public override void Format(StringBuilder sb)
    {
        sb.Append(" | ").Append(Kind switch
        {
            ParserKind.Json => "json",
            ParserKind.Logfmt => "logfmt",
            ParserKind.Regexp => "regexp",
            ParserKind.Pattern => "pattern",
            _ => "unpack",
        });
        if (Strict)
        {
            sb.Append(" --strict");
        }

        if (KeepEmpty)
        {
            sb.Append(" --keep-empty");
        }

        if (Expression is not null)
        {
            sb.Append(' ');
            LabelText.AppendQuoted(sb, Expression);
        }

        for (var i = 0; i < Parameters.Count; i++)
        {
            sb.Append(i == 0 ? ' ' : ',').Append(Parameters[i].Name).Append('=');
            LabelText.AppendQuoted(sb, Parameters[i].Expression);
        }
    }
}
