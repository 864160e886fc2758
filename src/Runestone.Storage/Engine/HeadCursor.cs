using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.Storage.Head;

namespace Runestone.Storage.Engine;

/// <summary>Cursor over a head snapshot in timestamp order.</summary>
internal sealed class HeadCursor : EntryCursor
{
    private readonly HeadSnapshot _head;
    private readonly int[] _order;
    private readonly long _start;
    private readonly long _end;
    private readonly ILineFilter? _filter;
    private readonly bool _forward;
    private readonly QueryStatistics _stats;
    private int _index;
    private long _bytes;
    private long _lines;

    public HeadCursor(HeadSnapshot head, long startNs, long endNs, Direction direction, ILineFilter? filter, QueryStatistics stats)
    {
        _head = head;
        _order = head.SortedOrder();
        _start = startNs;
        _end = endNs;
        _filter = filter;
        _stats = stats;
        _forward = direction == Direction.Forward;
        _index = _forward ? -1 : _order.Length;
    }

    public override ReadOnlySpan<byte> Line => _head.Line(in _head.Entry(_order[_index]));

    public override LabelPair[]? Metadata => _head.Entry(_order[_index]).Metadata;

    public override bool Advance()
    {
        var step = _forward ? 1 : -1;
        for (var i = _index + step; i >= 0 && i < _order.Length; i += step)
        {
            ref readonly var entry = ref _head.Entry(_order[i]);
            if (entry.Timestamp < _start || entry.Timestamp >= _end)
            {
                continue;
            }

            var line = _head.Line(in entry);
            _bytes += line.Length;
            _lines++;
            if (_filter is null || _filter.Matches(line))
            {
                _index = i;
                Timestamp = entry.Timestamp;
                Key = _forward ? Timestamp : -Timestamp;
                return true;
            }
        }

        _index = _forward ? _order.Length : -1;
        return false;
    }

    public override void Dispose()
    {
        _stats.AddHead(_bytes, _lines);
        _bytes = _lines = 0;
    }
}
