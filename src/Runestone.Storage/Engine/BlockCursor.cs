using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.Storage.Chunks;

namespace Runestone.Storage.Engine;

/// <summary>Cursor over a decoded block.</summary>
internal sealed class BlockCursor : EntryCursor
{
    private readonly DecodedBlock _block;
    private readonly ILineFilter? _filter;
    private readonly bool _forward;
    private readonly int _stop;
    private int _index;

    public BlockCursor(DecodedBlock block, long startNs, long endNs, Direction direction, ILineFilter? filter)
    {
        _block = block;
        _filter = filter;
        _forward = direction == Direction.Forward;
        var ts = block.Timestamps;
        var first = LowerBound(ts, startNs);
        var last = LowerBound(ts, endNs) - 1;
        if (_forward)
        {
            _index = first - 1;
            _stop = last + 1;
        }
        else
        {
            _index = last + 1;
            _stop = first - 1;
        }
    }

    public override ReadOnlySpan<byte> Line => _block.Line(_index);

    public override LabelPair[]? Metadata => _block.Metadata(_index);

    public override bool Advance()
    {
        var step = _forward ? 1 : -1;
        var ts = _block.Timestamps;
        for (var i = _index + step; i != _stop; i += step)
        {
            if (_filter is null || _filter.Matches(_block.Line(i)))
            {
                _index = i;
                Timestamp = ts[i];
                Key = _forward ? Timestamp : -Timestamp;
                return true;
            }
        }

        _index = _stop;
        return false;
    }

    public override void Dispose() => _block.Dispose();

    private static int LowerBound(ReadOnlySpan<long> sorted, long value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
