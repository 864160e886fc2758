using System.IO.Hashing;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.Storage.Chunks;
using Runestone.Storage.ObjectStore;

namespace Runestone.Storage.Engine;

/// <summary>
/// Entries of one stream in the query's direction: a k-way merge over its chunks, sealed
/// blocks and head snapshots, opening each source only when the merge reaches its time range
/// (so memory holds only overlapping sources). Identical entries (same timestamp and line),
/// e.g. from a retried push, are returned once.
/// </summary>
internal sealed class StreamIterator : IEntryIterator
{
    private readonly PriorityQueue<PendingSource, long> _pending = new();
    private readonly PriorityQueue<EntryCursor, (long Key, int Sequence)> _open = new();
    private readonly long _start;
    private readonly long _end;
    private readonly Direction _direction;
    private readonly ILineFilter? _filter;
    private readonly QueryStatistics _stats;
    private readonly IObjectStore _store;
    private readonly List<ulong> _hashesAtTimestamp = [];
    private EntryCursor? _current;
    private long _lastTimestamp = long.MinValue;
    private bool _hasLast;
    private byte[] _lastLine = new byte[256];
    private int _lastLineLength;
    private int _sequence;
    private bool _disposed;

    public StreamIterator(LabelSet labels, List<PendingSource> sources, long startNs, long endNs, Direction direction, ILineFilter? filter, QueryStatistics stats, IObjectStore store)
    {
        Labels = labels;
        _start = startNs;
        _end = endNs;
        _direction = direction;
        _filter = filter;
        _stats = stats;
        _store = store;
        foreach (var source in sources)
        {
            Enqueue(source);
        }
    }

    public LabelSet Labels { get; }

    public long Timestamp => _current!.Timestamp;

    public ReadOnlySpan<byte> Line => _current!.Line;

    public ReadOnlySpan<LabelPair> Metadata => _current!.Metadata;

    public bool MoveNext()
    {
        if (_current is not null)
        {
            Requeue(_current);
            _current = null;
        }

        while (true)
        {
            while (_pending.TryPeek(out var source, out var sourceKey) && (_open.Count == 0 || sourceKey <= _open.Peek().Key))
            {
                _pending.Dequeue();
                Open(source);
            }

            if (!_open.TryDequeue(out var cursor, out _))
            {
                return false;
            }

            if (!_hasLast || cursor.Timestamp != _lastTimestamp)
            {
                // A new timestamp: nothing to compare with yet. Keep a copy of the line, hashed
                // only if another entry at this timestamp follows (rare), not a hash per line.
                _hasLast = true;
                _lastTimestamp = cursor.Timestamp;
                _hashesAtTimestamp.Clear();
                KeepLastLine(cursor.Line);
                _current = cursor;
                return true;
            }

            if (_hashesAtTimestamp.Count == 0)
            {
                _hashesAtTimestamp.Add(XxHash3.HashToUInt64(_lastLine.AsSpan(0, _lastLineLength)));
            }

            var hash = XxHash3.HashToUInt64(cursor.Line);
            if (_hashesAtTimestamp.Contains(hash))
            {
                Requeue(cursor);
                continue;
            }

            _hashesAtTimestamp.Add(hash);
            _current = cursor;
            return true;
        }
    }

    private void KeepLastLine(ReadOnlySpan<byte> line)
    {
        if (line.Length > _lastLine.Length)
        {
            _lastLine = new byte[Math.Max(line.Length, _lastLine.Length * 2)];
        }

        line.CopyTo(_lastLine);
        _lastLineLength = line.Length;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _current?.Dispose();
        while (_open.TryDequeue(out var cursor, out _))
        {
            cursor.Dispose();
        }
    }

    private void Requeue(EntryCursor cursor)
    {
        if (cursor.Advance())
        {
            _open.Enqueue(cursor, (cursor.Key, cursor.Sequence));
        }
        else
        {
            cursor.Dispose();
        }
    }

    private void Enqueue(PendingSource source)
    {
        if (source.MinTs >= _end || source.MaxTs < _start)
        {
            return;
        }

        _pending.Enqueue(source, _direction == Direction.Forward ? source.MinTs : -source.MaxTs);
    }

    private void Open(PendingSource source)
    {
        EntryCursor cursor;
        if (source.Chunk is { } chunk)
        {
            var data = _store.GetAsync(chunk.Key, CancellationToken.None).AsTask().GetAwaiter().GetResult()
                ?? throw new InvalidDataException($"chunk '{chunk.Key}' is in the index but missing from storage");
            _stats.AddChunk(data.Length);
            foreach (var block in ChunkFile.Read(data).Blocks)
            {
                Enqueue(new PendingSource(block.MinTs, block.MaxTs, Block: block));
            }

            return;
        }

        if (source.Block is { } sealedBlock)
        {
            var decoded = sealedBlock.Decode(_filter);
            _stats.AddDecompressed(sealedBlock.RawLength, sealedBlock.Count);
            if (decoded is null)
            {
                return;
            }

            cursor = new BlockCursor(decoded, _start, _end, _direction, _filter) { Sequence = _sequence++ };
        }
        else
        {
            cursor = new HeadCursor(source.Head!, _start, _end, _direction, _filter, _stats) { Sequence = _sequence++ };
        }

        if (cursor.Advance())
        {
            _open.Enqueue(cursor, (cursor.Key, cursor.Sequence));
        }
        else
        {
            cursor.Dispose();
        }
    }
}
