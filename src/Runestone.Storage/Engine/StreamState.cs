using Runestone.Core.Labels;
using Runestone.Storage.Chunks;
using Runestone.Storage.Dedupe;
using Runestone.Storage.Head;
using Runestone.Storage.Index;

namespace Runestone.Storage.Engine;

/// <summary>One stream of one tenant: its lanes in memory, chunks in flight and persisted chunk refs.</summary>
internal sealed class StreamState(string tenant, LabelSet labels)
{
    public Lock Lock { get; } = new();

    public string Tenant { get; } = tenant;

    public LabelSet Labels { get; } = labels;

    public string LabelText { get; } = labels.ToString();

    public ulong Fingerprint => Labels.Fingerprint;

    public Lane Main { get; set; } = new();

    public Lane Late { get; set; } = new();

    public List<FlushingChunk> Flushing { get; } = [];

    public ChunkTimeline Chunks { get; } = new();

    public long LastAppliedWal { get; set; }

    public long FirstUnflushedWal { get; set; } = long.MaxValue;

    public long FlushedThroughWal { get; set; } = -1;

    public long SeriesLoggedInSegment { get; set; } = -1;

    public long LastAppendTicks { get; set; }

    public long MinTs { get; set; } = long.MaxValue;

    public long MaxTs { get; set; } = long.MinValue;

    /// <summary>True while a thread is sealing this stream's full heads (one sealer at a time).</summary>
    public bool Sealing { get; set; }

    public bool HasMemoryData => !Main.IsEmpty || !Late.IsEmpty;

    public bool Overlaps(long startNs, long endNs) => MinTs < endNs && MaxTs >= startNs;

    /// <summary>
    /// Appends one entry to the right lane; returns false for an exact duplicate (same timestamp
    /// and line) of an entry the stream already holds anywhere: open, full or sealed blocks,
    /// chunks on their way to storage, persisted chunks.
    /// </summary>
    public bool Append(long timestamp, ReadOnlySpan<byte> line, LabelPair[]? metadata, int blockSize, long nowTicks, StoredEntryIndex stored)
    {
        var lane = Main.IsEmpty || timestamp >= Main.MinTs ? Main : Late;

        // Only an entry at or before the newest one held can repeat one: in-order appends skip this.
        if (timestamp <= MaxTs && HoldsElsewhere(lane.Head, timestamp, line, stored))
        {
            return false;
        }

        if (lane.IsEmpty)
        {
            lane.CreatedAtTicks = nowTicks;
        }

        // The target head checks itself (cheaply, against its last entry first).
        if (!lane.Head.Append(timestamp, line, metadata))
        {
            return false;
        }

        lane.Entries++;
        lane.RawBytes += line.Length;
        lane.MinTs = Math.Min(lane.MinTs, timestamp);
        lane.MaxTs = Math.Max(lane.MaxTs, timestamp);
        MinTs = Math.Min(MinTs, timestamp);
        MaxTs = Math.Max(MaxTs, timestamp);
        LastAppendTicks = nowTicks;
        if (lane.Head.RawBytes >= blockSize)
        {
            lane.Full.Add(lane.Head);
            lane.Head = new();
        }

        return true;
    }

    [ThreadStatic]
    private static List<ChunkRef>? t_covering;

    // Caller holds Lock. Every place but the target head, which checks itself.
    private bool HoldsElsewhere(HeadBlock target, long timestamp, ReadOnlySpan<byte> line, StoredEntryIndex stored)
    {
        ulong? hash = null;
        if (LaneHolds(Main, target, timestamp, line, stored, ref hash) || LaneHolds(Late, target, timestamp, line, stored, ref hash))
        {
            return true;
        }

        foreach (var flushing in Flushing)
        {
            foreach (var lane in flushing.Lanes)
            {
                if (LaneHolds(lane, target, timestamp, line, stored, ref hash))
                {
                    return true;
                }
            }
        }

        if (timestamp > Chunks.MaxTs)
        {
            return false;
        }

        var covering = t_covering ??= [];
        covering.Clear();
        Chunks.Covering(timestamp, covering);
        foreach (var chunk in covering)
        {
            if (stored.InChunk(chunk, timestamp, hash ??= BlockEntryKeys.HashLine(line)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool LaneHolds(Lane lane, HeadBlock target, long timestamp, ReadOnlySpan<byte> line, StoredEntryIndex stored, ref ulong? hash)
    {
        if (lane.IsEmpty || timestamp < lane.MinTs || timestamp > lane.MaxTs)
        {
            return false;
        }

        if (!ReferenceEquals(lane.Head, target) && lane.Head.Contains(timestamp, line))
        {
            return true;
        }

        foreach (var head in lane.Full)
        {
            if (head.Contains(timestamp, line))
            {
                return true;
            }
        }

        foreach (var block in lane.Sealed)
        {
            if (timestamp >= block.MinTs && timestamp <= block.MaxTs && block.Dedupe is { } dedupe && dedupe.Holds(block, timestamp, line, ref hash))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Compresses full heads (outside the lock; one sealer per stream). Returns the main lane's sealed size.</summary>
    public long SealFullHeads(ChunkEncoding encoding)
    {
        while (true)
        {
            Lane? lane;
            HeadBlock? head;
            lock (Lock)
            {
                if (Sealing)
                {
                    return Main.SealedBytes;
                }

                lane = Main.Full.Count > 0 ? Main : Late.Full.Count > 0 ? Late : null;
                if (lane is null)
                {
                    return Main.SealedBytes;
                }

                head = lane.Full[0];
                Sealing = true;
            }

            SealedBlock block;
            try
            {
                block = head.Seal(encoding);
            }
            finally
            {
                lock (Lock)
                {
                    Sealing = false;
                }
            }

            lock (Lock)
            {
                // The lane may have been cut meanwhile; then the flusher seals its own copy.
                if (lane.Full.Count > 0 && ReferenceEquals(lane.Full[0], head))
                {
                    lane.Full.RemoveAt(0);
                    lane.Sealed.Add(block);
                    lane.SealedBytes += block.Compressed.Length;
                }
            }
        }
    }
}
