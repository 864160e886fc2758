using System.Buffers;
using Runestone.Core.Logs;

namespace Runestone.LogQL.Filters;

/// <summary>Matches when any inner filter matches (<c>|= "a" or "b"</c>, <c>|~ "a|b"</c>).</summary>
internal sealed class AnyFilter(ILineFilter[] filters) : ILineFilter
{
    public ILineFilter[] Filters { get; } = filters;

    public bool Matches(ReadOnlySpan<byte> line)
    {
        foreach (var filter in Filters)
        {
            if (filter.Matches(line))
            {
                return true;
            }
        }

        return false;
    }

    public bool MayMatchAny(ReadOnlySpan<byte> bytes)
    {
        foreach (var filter in Filters)
        {
            if (filter.MayMatchAny(bytes))
            {
                return true;
            }
        }

        return false;
    }

    public bool MayMatchAnyStatic(ReadOnlySpan<byte> staticText, SearchValues<byte> variableBytes)
    {
        foreach (var filter in Filters)
        {
            if (filter.MayMatchAnyStatic(staticText, variableBytes))
            {
                return true;
            }
        }

        return false;
    }
}
