using Runestone.Core.Logs;

namespace Runestone.LogQL.Filters;

/// <summary><c>|= ip("10.0.0.0/8")</c>: the line mentions an address in the set.</summary>
internal sealed class IpLineFilter(IpMatcher matcher) : ILineFilter
{
    public bool Matches(ReadOnlySpan<byte> line) => matcher.MatchesAnyIn(line);
}
