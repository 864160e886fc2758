using Runestone.Core.Logs;

namespace Runestone.LogQL.Filters;

/// <summary><c>|= "text"</c>: a vectorised substring search on the UTF-8 bytes.</summary>
internal sealed class ContainsFilter(byte[] needle) : ILineFilter
{
    public byte[] Needle { get; } = needle;

    public bool Matches(ReadOnlySpan<byte> line) => line.IndexOf(Needle) >= 0;

    // A line containing the needle makes every span around it contain the needle too.
    public bool MayMatchAny(ReadOnlySpan<byte> bytes) => Matches(bytes);
}
