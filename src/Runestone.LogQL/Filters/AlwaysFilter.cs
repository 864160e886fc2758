using Runestone.Core.Logs;

namespace Runestone.LogQL.Filters;

/// <summary>A filter with a constant answer (<c>|= ""</c> keeps everything, <c>!= ""</c> nothing).</summary>
internal sealed class AlwaysFilter(bool result) : ILineFilter
{
    public static AlwaysFilter True { get; } = new(true);

    public static AlwaysFilter False { get; } = new(false);

    public bool Result { get; } = result;

    public bool Matches(ReadOnlySpan<byte> line) => Result;
}
