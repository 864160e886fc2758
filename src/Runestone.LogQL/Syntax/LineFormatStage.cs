using System.Text;
using Runestone.Core.Labels;

namespace Runestone.LogQL.Syntax;

/// <summary><c>| line_format "{{.a}} {{.b}}"</c>: replaces the line with a rendered template.</summary>
public sealed class LineFormatStage(string template) : PipelineStage
{
    public string Template { get; } = template;

    public override void Format(StringBuilder sb)
    {
        sb.Append(" | line_format ");
        LabelText.AppendQuoted(sb, Template);
    }
}
