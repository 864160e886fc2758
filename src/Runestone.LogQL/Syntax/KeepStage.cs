using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>| keep a, b="x"</c>: keeps only the listed labels (conditionally on their value).</summary>
public sealed class KeepStage(IReadOnlyList<NamedMatcher> labels) : PipelineStage
{
    public IReadOnlyList<NamedMatcher> Labels { get; } = labels;

    public override void Format(StringBuilder sb) => sb.Append(" | keep ").AppendJoin(", ", Labels);
}
