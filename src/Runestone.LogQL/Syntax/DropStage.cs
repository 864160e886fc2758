using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>| drop a, b="x"</c>: removes labels (conditionally on their value).</summary>
public sealed class DropStage(IReadOnlyList<NamedMatcher> labels) : PipelineStage
{
    public IReadOnlyList<NamedMatcher> Labels { get; } = labels;

    public override void Format(StringBuilder sb) => sb.Append(" | drop ").AppendJoin(", ", Labels);
}
