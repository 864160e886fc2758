using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>| decolorize</c>: strips ANSI colour escape sequences from the line.</summary>
public sealed class DecolorizeStage : PipelineStage
{
    public override void Format(StringBuilder sb) => sb.Append(" | decolorize");
}
