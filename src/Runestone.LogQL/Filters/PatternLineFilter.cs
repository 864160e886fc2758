using Runestone.Core.Logs;
using Runestone.LogQL.Log;

namespace Runestone.LogQL.Filters;

/// <summary><c>|&gt; "&lt;_&gt; error &lt;_&gt;"</c>: the line matches the pattern expression.</summary>
internal sealed class PatternLineFilter(PatternExpression pattern) : ILineFilter
{
    public bool Matches(ReadOnlySpan<byte> line) => pattern.IsMatch(line);
}
