using System.Buffers.Binary;
using System.Text;
using Runestone.Core.Binary;
using Runestone.Storage.Chunks;
using Runestone.Storage.Engine;
using Runestone.Storage.Head;
using Runestone.Storage.Index;
using Runestone.Storage.Wal;
using Xunit;
using static Runestone.Storage.Tests.StoreHarness;

namespace Runestone.Storage.Tests;

// Failing tests that demonstrate bugs in src/Runestone.Storage. Not part of the committed suite.
/// <summary>Regressions for bugs found while writing the storage suite; each test pins the fixed behaviour.</summary>
public sealed class RegressionTests
{
    [Fact]
    public void Bug1a_empty_line_as_first_entry_of_a_head_block_crashes()
    {
        var head = new HeadBlock();
        Assert.True(head.Append(1, ""u8, null)); 
    }

    [Fact]
    public void Bug1b_empty_line_right_after_a_large_line_crashes()
    {
        var head = new HeadBlock();
        Assert.True(head.Append(1, new byte[40 * 1024], null));
        Assert.True(head.Append(2, ""u8, null)); 
    }

    [Fact]
    public async Task Bug1c_an_empty_line_is_stored_and_replayed()
    {
        using var dir = new TempDirectory();
        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            await store.Push("t", Stream("api"), (1, ""));
        }

        await using var reopened = await LogStore.OpenAsync(Options(dir));
        Assert.Single(reopened.Query("t", "api"));
    }

    [Fact]
    public async Task Bug2a_first_record_after_a_rotation_is_written_to_the_previous_segment()
    {
        using var dir = new TempDirectory();
        var positions = new List<long>();
        using (var wal = new WalWriter(dir.Path, 1, WalSyncMode.Never, segmentSize: 256))
        {
            for (var i = 0; i < 30; i++)
            {
                var (position, durable) = wal.Append(WalRecords.EntriesType, Encoding.UTF8.GetBytes($"record number {i:D3}"));
                positions.Add(position);
                await durable;
            }
        }

        var read = WalTests.ReadAll(dir.Path, out _);
        Assert.Equal(positions, read.Select(r => r.Position)); 
    }

    [Fact]
    public async Task Bug2b_push_right_after_FlushAll_is_acknowledged_then_lost_on_restart()
    {
        using var dir = new TempDirectory();
        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            await store.Push("t", Stream("api"), Entries(1, 2, 3));
            await store.FlushAllAsync();
            await store.Push("t", Stream("api"), Entries(4, 5)); // acknowledged
        }

        await using var reopened = await LogStore.OpenAsync(Options(dir));
        Assert.Equal(Entries(1, 2, 3, 4, 5), reopened.Query("t", "api")); 
    }

    [Fact]
    public void Bug4_crafted_block_with_valid_checksum_crashes_the_decoder()
    {
        // A block whose CRC matches but whose metadata length runs past the end (a buggy writer
        // or a hostile object): count=1, ts=0, line length 0, 1 metadata pair, name length 100.
        byte[] raw = [1, 0, 0, 1, 100];
        var block = SealedBlock.Seal(ChunkEncoding.None, raw, 1, 0, 0);
        Assert.Throws<InvalidDataException>(() => block.Decode().Dispose()); 
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void Bug4b_fuzz_blocks_and_chunk_metadata_with_recomputed_checksums(int seed)
    {
        var random = new Random(seed);
        var blocks = ChunkFileTests.MakeBlocks(ChunkEncoding.None, 2, 20);
        var original = ChunkFile.Write("{app=\"fuzz\"}", blocks);
        var metaOffset = (int)BinaryPrimitives.ReadUInt64LittleEndian(original.AsSpan(original.Length - 16));
        var failures = new List<string>();
        for (var iteration = 0; iteration < 3000 && failures.Count < 5; iteration++)
        {
            var data = (byte[])original.Clone();
            if (iteration % 2 == 0)
            {
                // Damage the metadata section and re-sign it.
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    data[random.Next(metaOffset, data.Length - 16)] ^= (byte)random.Next(1, 256);
                }

                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(data.Length - 8), Checksum.Compute(data.AsSpan(metaOffset, data.Length - 16 - metaOffset)));
            }
            else
            {
                // Damage an uncompressed block and re-sign it.
                var raw = blocks[0].Compressed.ToArray();
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    raw[random.Next(raw.Length)] ^= (byte)random.Next(1, 256);
                }

                data = ChunkFile.Write("{app=\"fuzz\"}", [new SealedBlock(ChunkEncoding.None, raw, raw.Length, 20, 0, 0, Checksum.Compute(raw))]);
            }

            try
            {
                CorruptionFuzzTests.ReadEverything(data);
            }
            catch (InvalidDataException)
            {
            }
            catch (Exception ex)
            {
                failures.Add($"iteration {iteration}: {ex.GetType().Name}: {ex.Message} {ex.StackTrace?.Split('\n')[0]}");
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Bug4c_wal_record_with_valid_crc_but_short_payload_crashes_open()
    {
        using var dir = new TempDirectory();
        using (var wal = new WalWriter(dir.Sub("wal"), 1, WalSyncMode.Never))
        {
            await wal.Append(WalRecords.SeriesType, [1, (byte)'t', 0, 0]).Durable; // tenant "t", then a truncated fingerprint
        }

        await using var store = await LogStore.OpenAsync(Options(dir)); // ArgumentOutOfRangeException, not InvalidDataException
    }

    [Fact]
    public void Bug5_a_corrupt_record_in_the_middle_of_an_index_file_is_skipped_and_later_records_survive()
    {
        using var dir = new TempDirectory();
        var index = new IndexLog(dir.Path);
        index.Append("t", "{a=\"1\"}", [new ChunkRef("t/fp/1", 1, 1, 2, 1, 1, 1, 5)]);
        var path = Path.Combine(dir.Path, "t", "0.idx");
        var firstLength = (int)new FileInfo(path).Length;
        index.Append("t", "{a=\"1\"}", [new ChunkRef("t/fp/2", 1, 3, 4, 1, 1, 1, 6)]);
        index.Append("t", "{a=\"1\"}", [new ChunkRef("t/fp/3", 1, 5, 6, 1, 1, 1, 7)]);
        var data = File.ReadAllBytes(path);
        data[firstLength + 10] ^= 0xFF; // bit rot inside record 2
        File.WriteAllBytes(path, data);

        var loaded = new List<string>();
        var reader = new IndexLog(dir.Path);
        reader.Load((_, _, chunk) => loaded.Add(chunk.Key));
        Assert.Equal(data.Length, new FileInfo(path).Length); // nothing is cut off
        Assert.Contains("t/fp/1", loaded);
        Assert.Contains("t/fp/3", loaded);
        Assert.DoesNotContain("t/fp/2", loaded);
        Assert.Contains(reader.Warnings, w => w.Contains("corrupt record", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bug2c_size_rotation_plus_background_flush_loses_acknowledged_entries_on_restart()
    {
        using var dir = new TempDirectory();
        var options = Options(dir) with
        {
            Encoding = ChunkEncoding.None, BlockSize = 1024, ChunkTargetSize = 4096,
            WalSegmentSize = 4096, FlushCheckPeriod = TimeSpan.FromMilliseconds(20),
        };
        const int count = 600;
        await using (var store = await LogStore.OpenAsync(options))
        {
            for (var i = 0; i < count; i++)
            {
                // "quiet" gets one entry now and then and is never big enough to be cut; "busy" is cut often.
                var app = i % 50 == 0 ? "quiet" : "busy";
                await store.Push("t", Stream(app), (i, $"entry {i} " + new string('q', 60)));
            }
        }

        await using var reopened = await LogStore.OpenAsync(options);
        var got = reopened.Query("t", "busy").Select(e => e.Ts).ToHashSet();
        var missing = Enumerable.Range(0, count).Where(i => i % 50 != 0 && !got.Contains(i)).ToList();
        Assert.True(missing.Count == 0, "missing busy entries: " + string.Join(",", missing) + " warnings: " + string.Join(" | ", reopened.Warnings));
        Assert.Equal(count / 50, reopened.Query("t", "quiet").Count);
        Assert.Equal(count - (count / 50), reopened.Query("t", "busy").Count);
    }
}
