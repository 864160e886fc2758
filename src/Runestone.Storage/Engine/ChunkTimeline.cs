using Runestone.Storage.Index;

namespace Runestone.Storage.Engine;

/// <summary>
/// A stream's persisted chunks, with a view sorted by start time that finds the chunks whose
/// time range holds a given timestamp without walking them all (streams keep thousands).
/// </summary>
internal sealed class ChunkTimeline
{
    private readonly List<ChunkRef> _chunks = [];
    private ChunkRef[] _byStart = [];
    private long[] _endsSoFar = [];
    private bool _dirty;

    public IReadOnlyList<ChunkRef> All => _chunks;

    public long MaxTs { get; private set; } = long.MinValue;

    public void Add(ChunkRef chunk)
    {
        _chunks.Add(chunk);
        MaxTs = Math.Max(MaxTs, chunk.MaxTs);
        _dirty = true;
    }

    /// <summary>Adds to <paramref name="result"/> every chunk with MinTs &lt;= timestamp &lt;= MaxTs.</summary>
    public void Covering(long timestamp, List<ChunkRef> result)
    {
        if (timestamp > MaxTs || _chunks.Count == 0)
        {
            return;
        }

        if (_dirty)
        {
            Rebuild();
        }

        // Last chunk starting at or before the timestamp, then back while some earlier chunk
        // still ends at or after it (_endsSoFar is the running maximum of the ends).
        var lo = 0;
        var hi = _byStart.Length - 1;
        var last = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_byStart[mid].MinTs <= timestamp)
            {
                last = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        for (var i = last; i >= 0 && _endsSoFar[i] >= timestamp; i--)
        {
            if (_byStart[i].MaxTs >= timestamp)
            {
                result.Add(_byStart[i]);
            }
        }
    }

    private void Rebuild()
    {
        _byStart = [.. _chunks];
        var starts = new long[_byStart.Length];
        for (var i = 0; i < starts.Length; i++)
        {
            starts[i] = _byStart[i].MinTs;
        }

        Array.Sort(starts, _byStart);
        _endsSoFar = new long[_byStart.Length];
        var end = long.MinValue;
        for (var i = 0; i < _byStart.Length; i++)
        {
            end = Math.Max(end, _byStart[i].MaxTs);
            _endsSoFar[i] = end;
        }

        _dirty = false;
    }
}
