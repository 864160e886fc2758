using System.Text;
using Runestone.Core.Labels;

namespace Runestone.LogQL.Syntax;

/// <summary><c>| label_format dst=src, other="{{.x}}"</c>.</summary>
public sealed class LabelFormatStage(IReadOnlyList<LabelFormatItem> items) : PipelineStage
{
    public IReadOnlyList<LabelFormatItem> Items { get; } = items;

    public override void Format(StringBuilder sb)
    {
        sb.Append(" | label_format ");
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(Items[i].Name).Append('=');
            if (Items[i].IsTemplate)
            {
                LabelText.AppendQuoted(sb, Items[i].Value);
            }
            else
            {
                sb.Append(Items[i].Value);
            }
        }
    }
}
