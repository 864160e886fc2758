using System.Buffers;
using Runestone.Core.Logs;

namespace Runestone.LogQL.Filters;

/// <summary>A chain of line filters: every one must match, cheapest checked first as written.</summary>
internal sealed class AllFilter(ILineFilter[] filters) : ILineFilter
{
    public ILineFilter[] Filters { get; } = filters;

    public bool Matches(ReadOnlySpan<byte> line)
    {
        foreach (var filter in Filters)
        {
            if (!filter.Matches(line))
            {
                return false;
            }
        }

        return true;
    }

    public bool MayMatchAny(ReadOnlySpan<byte> bytes)
    {
        foreach (var filter in Filters)
        {
            if (!filter.MayMatchAny(bytes))
            {
                return false;
            }
        }

        return true;
    }

    public bool MayMatchAnyStatic(ReadOnlySpan<byte> staticText, SearchValues<byte> variableBytes)
    {
        foreach (var filter in Filters)
        {
            if (!filter.MayMatchAnyStatic(staticText, variableBytes))
            {
                return false;
            }
        }

        return true;
    }
}
