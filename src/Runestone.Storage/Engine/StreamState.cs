using Runestone.Core.Labels;
using Runestone.Storage.Chunks;
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

    public List<ChunkRef> Chunks { get; } = [];

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

    /// <summary>Appends one entry to the right lane; returns false for a duplicate of the lane's last entry.</summary>
    public bool Append(long timestamp, ReadOnlySpan<byte> line, LabelPair[]? metadata, int blockSize, long nowTicks)
    {
        var lane = Main.IsEmpty || timestamp >= Main.MinTs ? Main : Late;
        if (lane.IsEmpty)
        {
            lane.CreatedAtTicks = nowTicks;
        }

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

    /// <summary>Compresses full heads (outside the lock; one sealer per stream). Returns the main lane's sealed size.</summary>
    public long SealFullHeads(ChunkEncoding encoding)
    {
        while (true)
        {
            Lane? lane;
            Head.HeadBlock? head;
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
