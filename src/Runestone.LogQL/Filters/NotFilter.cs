using Runestone.Core.Logs;

namespace Runestone.LogQL.Filters;

/// <summary>Negates a filter (<c>!=</c>, <c>!~</c>, <c>!&gt;</c>).</summary>
internal sealed class NotFilter(ILineFilter inner) : ILineFilter
{
    public ILineFilter Inner { get; } = inner;

    public bool Matches(ReadOnlySpan<byte> line) => !Inner.Matches(line);
}
