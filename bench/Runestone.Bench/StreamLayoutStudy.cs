using System.Buffers;
using System.Globalization;
using Runestone.Bench.Workload;
using Runestone.Core.Binary;
using Runestone.Storage.Chunks;

namespace Runestone.Bench;

/// <summary>
/// `layout [--mb 128]`: generates the workload's lines in memory, groups them per stream as the
/// store does, cuts blocks and reports where the compressed bytes go (timestamp column, length
/// column, line bytes) for several block sizes and zstd levels. The measurement behind the block
/// layout in docs/storage.md.
/// </summary>
internal static class StreamLayoutStudy
{
    /// <summary>The workload's lines (seed 1, 100 streams, the 1 GiB run's clock scaled) grouped per stream.</summary>
    internal static (Dictionary<int, List<(long Ts, byte[] Line)>> PerStream, long Produced, long Lines) Generate(int megabytes)
    {
        var total = (long)megabytes << 20;
        var generator = new LineGenerator(1, 100);
        var perStream = new Dictionary<int, List<(long Ts, byte[] Line)>>();
        var buffer = new byte[512];
        long produced = 0;
        long lines = 0;
        var startNs = 1_700_000_000_000_000_000L;
        var spanNs = (double)TimeSpan.FromHours(1).Ticks * 100 * megabytes / 1024; // the 1 GiB hour, scaled
        while (produced < total)
        {
            var stream = generator.NextStream();
            var ts = startNs + (long)(spanNs * produced / total);
            var length = generator.Write(stream, ts, buffer);
            if (!perStream.TryGetValue(stream.Index, out var list))
            {
                perStream[stream.Index] = list = [];
            }

            list.Add((ts, buffer[..length]));
            produced += length + 1;
            lines++;
        }

        return (perStream, produced, lines);
    }

    public static int Run(string[] args)
    {
        var megabytes = args.Length >= 2 && args[0] == "--mb" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 128;
        var (perStream, produced, lines) = Generate(megabytes);
        Console.WriteLine($"{produced / 1e6:F0} MB raw, {lines:N0} lines, {perStream.Count} streams; bytes per entry after compression:");
        Console.WriteLine("| block | zstd | ratio (one frame) | ts delta | ts delta-of-delta | lengths | lines | ratio (columns apart) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var blockSize in new[] { 256 << 10, 1 << 20 })
        {
            foreach (var level in new[] { 1, 3, 6, 9, 19 })
            {
                BlockCodec.ZstdLevel = level;
                long all = 0, delta = 0, dod = 0, lengths = 0, bytes = 0;
                foreach (var list in perStream.Values)
                {
                    for (var i = 0; i < list.Count;)
                    {
                        var j = i;
                        long raw = 0;
                        while (j < list.Count && raw < blockSize)
                        {
                            raw += list[j].Line.Length;
                            j++;
                        }

                        var tsColumn = new ArrayBufferWriter<byte>();
                        var dodColumn = new ArrayBufferWriter<byte>();
                        var lengthColumn = new ArrayBufferWriter<byte>();
                        var lineColumn = new ArrayBufferWriter<byte>();
                        long previous = 0, previousDelta = 0;
                        for (var k = i; k < j; k++)
                        {
                            var d = list[k].Ts - previous;
                            tsColumn.Advance(Varint.WriteSigned(tsColumn.GetSpan(10), d));
                            dodColumn.Advance(Varint.WriteSigned(dodColumn.GetSpan(10), d - previousDelta));
                            previousDelta = d;
                            previous = list[k].Ts;
                            lengthColumn.Advance(Varint.Write(lengthColumn.GetSpan(10), (ulong)list[k].Line.Length));
                            lineColumn.Write(list[k].Line);
                        }

                        delta += BlockCodec.Compress(ChunkEncoding.Zstd, tsColumn.WrittenSpan).Length;
                        dod += BlockCodec.Compress(ChunkEncoding.Zstd, dodColumn.WrittenSpan).Length;
                        lengths += BlockCodec.Compress(ChunkEncoding.Zstd, lengthColumn.WrittenSpan).Length;
                        bytes += BlockCodec.Compress(ChunkEncoding.Zstd, lineColumn.WrittenSpan).Length;
                        var whole = new ArrayBufferWriter<byte>();
                        whole.Write(tsColumn.WrittenSpan);
                        whole.Write(lengthColumn.WrittenSpan);
                        whole.Write(lineColumn.WrittenSpan);
                        all += BlockCodec.Compress(ChunkEncoding.Zstd, whole.WrittenSpan).Length;
                        i = j;
                    }
                }

                double PerEntry(long b) => (double)b / lines;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {blockSize >> 10} KiB | {level} | {(double)produced / all:F2} | {PerEntry(delta):F2} | {PerEntry(dod):F2} | {PerEntry(lengths):F2} | {PerEntry(bytes):F2} | {(double)produced / (Math.Min(delta, dod) + lengths + bytes):F2} |"));
            }
        }

        BlockCodec.ZstdLevel = 1;
        return 0;
    }
}
