using System.Buffers;
using Runestone.Core.Labels;
using Runestone.Storage.Chunks;
using Runestone.Storage.Dedupe;

namespace Runestone.Storage.Head;

/// <summary>
/// The open, uncompressed block of a stream: entries in arrival order with their lines in
/// fixed pages that never move, so a query can read a snapshot while appends continue.
/// Appends happen under the owning stream's lock; readers take a <see cref="HeadSnapshot"/>.
/// </summary>
public sealed class HeadBlock
{
    // Pages above the 85 KB large-object threshold go straight to the LOH, so the GC never copies
    // the bytes of long-lived head blocks between generations.
    private const int PageSize = 128 * 1024;
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_writer;

    private HeadEntry[] _entries = new HeadEntry[64];
    private byte[][] _pages = new byte[4][];
    private int _pageCount;
    private int _pageUsed;
    private int _smallPage = -1;
    private int _count;
    private TimestampFilter? _timestamps;

    public int Count => Volatile.Read(ref _count);

    public long RawBytes { get; private set; }

    public long MinTs { get; private set; } = long.MaxValue;

    public long MaxTs { get; private set; } = long.MinValue;

    /// <summary>True while every entry arrived in timestamp order.</summary>
    public bool IsSorted { get; private set; } = true;

    /// <summary>Appends an entry; returns false for an exact duplicate (same timestamp and line) of an entry in this head.</summary>
    public bool Append(long timestamp, ReadOnlySpan<byte> line, LabelPair[]? metadata)
    {
        if (_count > 0)
        {
            ref var last = ref _entries[_count - 1];
            if (last.Timestamp == timestamp && line.SequenceEqual(_pages[last.Page].AsSpan(last.Offset, last.Length)))
            {
                return false;
            }

            if (timestamp < last.Timestamp)
            {
                IsSorted = false;
            }

            // An entry at or before the newest one may repeat an earlier entry (a retried push):
            // scan this head for an identical one. In-order appends never pay for this.
            if (timestamp <= MaxTs && ContainsEntry(timestamp, line))
            {
                return false;
            }
        }

        int page, offset;
        if (line.Length > PageSize / 4)
        {
            page = AddPage(line.Length);
            offset = 0;
        }
        else
        {
            if (_smallPage < 0 || _pageUsed + line.Length > PageSize)
            {
                _smallPage = AddPage(PageSize);
                _pageUsed = 0;
            }

            page = _smallPage;
            offset = _pageUsed;
            _pageUsed += line.Length;
        }

        line.CopyTo(_pages[page].AsSpan(offset));
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[_count] = new HeadEntry(timestamp, page, offset, line.Length, metadata);
        _timestamps?.Add(timestamp);
        Volatile.Write(ref _count, _count + 1);
        RawBytes += line.Length;
        MinTs = Math.Min(MinTs, timestamp);
        MaxTs = Math.Max(MaxTs, timestamp);
        return true;
    }

    /// <summary>True when this head holds an entry with exactly this timestamp and line (call under the stream lock).</summary>
    public bool Contains(long timestamp, ReadOnlySpan<byte> line) =>
        _count > 0 && timestamp >= MinTs && timestamp <= MaxTs && ContainsEntry(timestamp, line);

    private bool ContainsEntry(long timestamp, ReadOnlySpan<byte> line)
    {
        // Distinct timestamps are the norm: a Bloom filter of them (built on the first
        // out-of-order entry, then kept up to date, rebuilt larger as the head grows) rules out
        // most checks without scanning the head.
        if (_timestamps is null || _timestamps.Capacity < _count)
        {
            _timestamps = TimestampFilter.WithCapacity(Math.Max(256, _count * 2));
            for (var i = 0; i < _count; i++)
            {
                _timestamps.Add(_entries[i].Timestamp);
            }
        }

        if (!_timestamps.MayContain(timestamp))
        {
            return false;
        }

        for (var i = _count - 1; i >= 0; i--)
        {
            ref readonly var e = ref _entries[i];
            if (e.Timestamp == timestamp && e.Length == line.Length && line.SequenceEqual(_pages[e.Page].AsSpan(e.Offset, e.Length)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A consistent view of the entries appended so far (call under the stream lock).</summary>
    public HeadSnapshot Snapshot() => new(_entries, _pages, _count, MinTs, MaxTs, IsSorted);

    /// <summary>Serializes the entries in timestamp order and compresses them into a block.</summary>
    public SealedBlock Seal(ChunkEncoding encoding)
    {
        var snapshot = Snapshot();
        var order = snapshot.SortedOrder();
        var count = snapshot.Count;
        var timestamps = new long[count];
        var lines = new ReadOnlyMemory<byte>[count];
        var metadata = new LabelPair[]?[count];
        for (var i = 0; i < count; i++)
        {
            ref readonly var e = ref _entries[order[i]];
            timestamps[i] = e.Timestamp;
            lines[i] = _pages[e.Page].AsMemory(e.Offset, e.Length);
            metadata[i] = e.Metadata;
        }

        var writer = t_writer ??= new ArrayBufferWriter<byte>(512 * 1024);
        writer.ResetWrittenCount();
        BlockFormat.Write(writer, timestamps, lines, metadata);
        var block = SealedBlock.Seal(encoding, writer.WrittenSpan, count, MinTs, MaxTs);
        block.Dedupe = new BlockDedupe(TimestampFilter.Of(timestamps));
        if (writer.Capacity > 4 << 20)
        {
            t_writer = null; // do not keep a buffer grown by one huge block
        }

        return block;
    }

    private int AddPage(int size)
    {
        if (_pageCount == _pages.Length)
        {
            Array.Resize(ref _pages, _pages.Length * 2);
        }

        _pages[_pageCount] = GC.AllocateUninitializedArray<byte>(size);
        return _pageCount++;
    }
}
