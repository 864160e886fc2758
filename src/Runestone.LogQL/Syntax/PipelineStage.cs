using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary>One stage of a log pipeline (a line filter, parser, label filter, formatter...).</summary>
public abstract class PipelineStage
{
    /// <summary>Appends the stage's text, starting with its separator (e.g. <c> |= "x"</c>).</summary>
    public abstract void Format(StringBuilder sb);

    public override string ToString()
    {
        var sb = new StringBuilder();
        Format(sb);
        return sb.ToString();
    }
}
