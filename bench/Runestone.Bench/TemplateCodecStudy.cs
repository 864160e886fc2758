using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Runestone.Core.Labels;
using Runestone.Storage.Chunks;

namespace Runestone.Bench;

/// <summary>
/// `templates [--mb 64] [--block-kib 256] [--format nginx|json|logfmt] [--rounds 3]`: builds the store's real raw blocks from the
/// workload's lines (per stream, as the head does), compresses each with plain zstd and with the
/// template codec, checks that every block decodes back to the same bytes, and prints ratio,
/// bytes per entry and compress/decompress speed (MB/s of raw block) for both.
/// </summary>
internal static class TemplateCodecStudy
{
    public static int Run(string[] args)
    {
        var megabytes = 64;
        var blockKib = 256;
        string? format = null;
        var rounds = 3;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--mb": megabytes = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--block-kib": blockKib = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--format": format = args[i + 1]; break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"unknown flag {args[i]}"); return 2;
            }
        }

        var (perStream, produced, lines) = StreamLayoutStudy.Generate(megabytes);
        var blocks = new List<byte[]>();
        var streams = new Workload.LineGenerator(1, 100).Streams;
        foreach (var (index, list) in perStream)
        {
            if (format is not null && !string.Equals(streams[index].Format.ToString(), format, StringComparison.OrdinalIgnoreCase))
            {
                produced -= SumLength(list);
                lines -= list.Count;
                continue;
            }

            for (var i = 0; i < list.Count;)
            {
                var j = i;
                long raw = 0;
                while (j < list.Count && raw < blockKib << 10)
                {
                    raw += list[j].Line.Length;
                    j++;
                }

                var timestamps = new long[j - i];
                var lineMemory = new ReadOnlyMemory<byte>[j - i];
                var metadata = new LabelPair[]?[j - i];
                for (var k = i; k < j; k++)
                {
                    timestamps[k - i] = list[k].Ts;
                    lineMemory[k - i] = list[k].Line;
                }

                var writer = new ArrayBufferWriter<byte>();
                BlockFormat.Write(writer, timestamps, lineMemory, metadata);
                blocks.Add(writer.WrittenSpan.ToArray());
                i = j;
            }
        }

        if (Environment.GetEnvironmentVariable("DUMP_BLOCKS") is { } dump)
        {
            using var file = File.Create(dump);
            foreach (var b in blocks)
            {
                file.Write(BitConverter.GetBytes(b.Length));
                file.Write(b);
            }
        }

        long rawBytes = 0;
        foreach (var b in blocks)
        {
            rawBytes += b.Length;
        }

        Console.WriteLine($"{produced / 1e6:F0} MB of lines, {lines:N0} entries, {blocks.Count} blocks of {blockKib} KiB, raw blocks {rawBytes / 1e6:F1} MB; median of {rounds} rounds");
        Console.WriteLine("| codec | ratio (lines+newlines / stored) | bytes per entry | compress MB/s | decompress MB/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var encoding in new[] { ChunkEncoding.Zstd, ChunkEncoding.ZstdTemplates })
        {
            var compressTimes = new List<double>();
            var decompressTimes = new List<double>();
            long stored = 0;
            for (var round = 0; round < rounds; round++)
            {
                var sealedBlocks = new byte[blocks.Count][];
                var watch = Stopwatch.StartNew();
                for (var b = 0; b < blocks.Count; b++)
                {
                    sealedBlocks[b] = BlockCodec.Compress(encoding, blocks[b]);
                }

                compressTimes.Add(watch.Elapsed.TotalSeconds);
                stored = 0;
                watch.Restart();
                for (var b = 0; b < blocks.Count; b++)
                {
                    stored += sealedBlocks[b].Length;
                    var output = ArrayPool<byte>.Shared.Rent(blocks[b].Length);
                    BlockCodec.Decompress(encoding, sealedBlocks[b], output.AsSpan(0, blocks[b].Length));
                    if (round == 0 && !output.AsSpan(0, blocks[b].Length).SequenceEqual(blocks[b]))
                    {
                        Console.Error.WriteLine($"{encoding}: block {b} does not round-trip");
                        return 1;
                    }

                    ArrayPool<byte>.Shared.Return(output);
                }

                decompressTimes.Add(watch.Elapsed.TotalSeconds);
            }

            compressTimes.Sort();
            decompressTimes.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {encoding} | {(double)produced / stored:F2} | {(double)stored / lines:F2} | {rawBytes / 1e6 / compressTimes[rounds / 2]:F0} | {rawBytes / 1e6 / decompressTimes[rounds / 2]:F0} |"));
        }

        return 0;
    }

    private static long SumLength(List<(long Ts, byte[] Line)> list)
    {
        long sum = 0;
        foreach (var (_, line) in list)
        {
            sum += line.Length + 1;
        }

        return sum;
    }
}
