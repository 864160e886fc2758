using System.Diagnostics;
using System.Globalization;
using Runestone.Storage.Chunks;

namespace Runestone.Bench;

/// <summary>
/// `codecs --file raw.log`: compresses the first 64 MiB of a raw log in 256 KiB blocks (the
/// chunk block size) with each candidate codec and level, and prints ratio and speeds. This is
/// the measurement behind the default chunk encoding.
/// </summary>
internal static class CodecStudy
{
    public static int Run(string[] args)
    {
        var file = args.Length >= 2 && args[0] == "--file" ? args[1] : "bench/out/raw.log";
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"codecs: '{file}' not found; run the workload first or pass --file PATH");
            return 2;
        }

        var data = ReadPrefix(file, 64 << 20);
        const int block = 256 << 10;
        Console.WriteLine($"| codec | ratio | compress MB/s | decompress MB/s |  ({data.Length >> 20} MiB of {file}, {block >> 10} KiB blocks, median of 3)");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, encoding, level) in new (string, ChunkEncoding, int)[]
        {
            ("lz4", ChunkEncoding.Lz4, 0), ("gzip (fastest)", ChunkEncoding.Gzip, 0),
            ("zstd 1", ChunkEncoding.Zstd, 1), ("zstd 3", ChunkEncoding.Zstd, 3), ("zstd 5", ChunkEncoding.Zstd, 5), ("zstd 9", ChunkEncoding.Zstd, 9),
        })
        {
            BlockCodec.ZstdLevel = level == 0 ? 1 : level;
            var compressTimes = new List<double>();
            var decompressTimes = new List<double>();
            long compressed = 0;
            for (var round = 0; round < 3; round++)
            {
                var blocks = new List<byte[]>();
                compressed = 0;
                var watch = Stopwatch.StartNew();
                for (var offset = 0; offset < data.Length; offset += block)
                {
                    var c = BlockCodec.Compress(encoding, data.AsSpan(offset, Math.Min(block, data.Length - offset)));
                    blocks.Add(c);
                    compressed += c.Length;
                }

                compressTimes.Add(watch.Elapsed.TotalSeconds);
                var buffer = new byte[block];
                watch.Restart();
                for (var i = 0; i < blocks.Count; i++)
                {
                    var raw = Math.Min(block, data.Length - (i * block));
                    BlockCodec.Decompress(encoding, blocks[i], buffer.AsSpan(0, raw));
                }

                decompressTimes.Add(watch.Elapsed.TotalSeconds);
            }

            compressTimes.Sort();
            decompressTimes.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {(double)data.Length / compressed:F2} | {data.Length / compressTimes[1] / 1e6:F0} | {data.Length / decompressTimes[1] / 1e6:F0} |"));
        }

        BlockCodec.ZstdLevel = 1;
        return 0;
    }

    private static byte[] ReadPrefix(string path, int max)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[(int)Math.Min(max, stream.Length)];
        stream.ReadExactly(buffer);
        return buffer;
    }
}
