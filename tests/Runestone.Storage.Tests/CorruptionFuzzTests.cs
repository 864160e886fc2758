using System.Text;
using Runestone.Core.Labels;
using Runestone.Storage.Chunks;
using Runestone.Storage.Engine;
using Runestone.Storage.Wal;
using Xunit;
using static Runestone.Storage.Tests.StoreHarness;

namespace Runestone.Storage.Tests;

/// <summary>
/// Seeded random damage to real chunk and WAL bytes: the readers may refuse the input, but only
/// with <see cref="InvalidDataException"/>, never an index or argument crash.
/// </summary>
public sealed class CorruptionFuzzTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Damaged_chunks_fail_only_with_InvalidDataException(int seed)
    {
        var blocks = new List<SealedBlock>();
        foreach (var encoding in new[] { ChunkEncoding.None, ChunkEncoding.Gzip, ChunkEncoding.Lz4, ChunkEncoding.Zstd, ChunkEncoding.ZstdTemplates })
        {
            blocks.AddRange(ChunkFileTests.MakeBlocks(encoding, 1, 30));
        }

        var original = ChunkFile.Write("{app=\"fuzz\"}", blocks);
        var random = new Random(seed);
        var refused = 0;
        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var data = Mutate(original, random);
            try
            {
                ReadEverything(data);
            }
            catch (InvalidDataException)
            {
                refused++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed} iteration {iteration}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
        }

        Assert.True(refused > 2000, $"only {refused} of 3000 damaged chunks were refused");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Damaged_wal_segments_fail_only_with_InvalidDataException(int seed)
    {
        using var source = new TempDirectory();
        await using (var store = await LogStore.OpenAsync(Options(source)))
        {
            for (var i = 0; i < 20; i++)
            {
                await store.AppendAsync("t", [
                    new StreamAppend(Stream("api"), [new AppendEntry(i, Encoding.UTF8.GetBytes("api line " + i), i % 4 == 0 ? [new LabelPair("trace", "t" + i)] : null)]),
                    new StreamAppend(Stream("db"), [new AppendEntry(i * 2, Encoding.UTF8.GetBytes("db line " + i), null)]),
                ], CancellationToken.None);
            }
        }

        var segmentName = WalSegmentFormat.FileName(1);
        var original = File.ReadAllBytes(Path.Combine(source.Sub("wal"), segmentName));
        var random = new Random(seed);
        for (var iteration = 0; iteration < 150; iteration++)
        {
            using var dir = new TempDirectory();
            Directory.CreateDirectory(dir.Sub("wal"));
            File.WriteAllBytes(Path.Combine(dir.Sub("wal"), segmentName), Mutate(original, random));
            try
            {
                await using var store = await LogStore.OpenAsync(Options(dir));
                var api = store.Query("t", "api");
                Assert.Equal(api.Order(), api);
                Assert.All(api, e => Assert.Equal("api line " + e.Ts, e.Line));
            }
            catch (InvalidDataException)
            {
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"seed {seed} iteration {iteration}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
        }
    }

    internal static byte[] Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0: // flip one to four bits or bytes anywhere
                for (var n = random.Next(1, 5); n > 0; n--)
                {
                    data[random.Next(data.Length)] ^= (byte)random.Next(1, 256);
                }

                return data;
            case 1: // truncate
                return data.AsSpan(0, random.Next(data.Length)).ToArray();
            case 2: // overwrite a run with random bytes
                {
                    var start = random.Next(data.Length);
                    var run = data.AsSpan(start, Math.Min(data.Length - start, random.Next(1, 32)));
                    random.NextBytes(run);
                    return data;
                }

            default: // drop a range from the middle
                {
                    var start = random.Next(data.Length);
                    var length = Math.Min(data.Length - start, random.Next(1, 64));
                    return [.. data.AsSpan(0, start), .. data.AsSpan(start + length)];
                }
        }
    }

    internal static void ReadEverything(byte[] data)
    {
        var contents = ChunkFile.Read(data);
        foreach (var block in contents.Blocks)
        {
            using var decoded = block.Decode();
            for (var i = 0; i < decoded.Count; i++)
            {
                _ = decoded.Line(i).Length;
                _ = decoded.Metadata(i);
            }
        }
    }
}
