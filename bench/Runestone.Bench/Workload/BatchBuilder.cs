using System.Buffers;
using Runestone.Protocol.Push;

namespace Runestone.Bench.Workload;

/// <summary>One push batch: streams whose lines are slices of one pooled buffer.</summary>
internal sealed class WorkloadBatch(List<PushStreamData> streams, byte[] buffer, int rawBytes, int lines) : IDisposable
{
    private byte[]? _buffer = buffer;

    public List<PushStreamData> Streams { get; } = streams;

    public int RawBytes { get; } = rawBytes;

    public int Lines { get; } = lines;

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}

/// <summary>
/// Cuts the generated line sequence into batches of about <c>batchBytes</c> raw bytes. Timestamps
/// follow a clock driven by bytes produced, so the data spans [start, end] whatever the volume.
/// </summary>
internal sealed class BatchBuilder(LineGenerator generator, long totalBytes, long startNs, long endNs, int batchBytes)
{
    private const int MaxLine = 512;

    public long ProducedBytes { get; private set; }

    /// <summary>Raw bytes (lines plus newlines) produced per stream index, for per-query scan rates.</summary>
    public long[] StreamBytes { get; } = new long[generator.Streams.Count];

    public bool Done => ProducedBytes >= totalBytes;

    /// <summary>Builds the next batch, appending each line and a newline to <paramref name="rawLog"/>.</summary>
    public WorkloadBatch Next(Stream rawLog)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(batchBytes + MaxLine);
        var used = 0;
        var lines = 0;
        var perStream = new Dictionary<int, List<PushEntryData>>();
        var span = (double)(endNs - startNs);
        while (used < batchBytes && ProducedBytes < totalBytes)
        {
            var stream = generator.NextStream();
            var ts = startNs + (long)(span * ProducedBytes / totalBytes);
            // Leave room for the newline written to raw.log right after the line.
            var length = generator.Write(stream, ts, buffer.AsSpan(used, MaxLine - 1));
            buffer[used + length] = (byte)'\n';
            rawLog.Write(buffer, used, length + 1);
            if (!perStream.TryGetValue(stream.Index, out var entries))
            {
                entries = [];
                perStream.Add(stream.Index, entries);
            }

            entries.Add(new PushEntryData(ts, buffer.AsMemory(used, length)));
            used += length + 1;
            ProducedBytes += length + 1;
            StreamBytes[stream.Index] += length + 1;
            lines++;
        }

        var streams = new List<PushStreamData>(perStream.Count);
        foreach (var (index, entries) in perStream)
        {
            streams.Add(new PushStreamData(generator.Streams[index].Labels, entries));
        }

        return new WorkloadBatch(streams, buffer, used, lines);
    }
}
