using Runestone.Storage.Chunks;
using Runestone.Storage.Engine;
using Runestone.Storage.ObjectStore;
using Xunit;
using static Runestone.Storage.Tests.StoreHarness;

namespace Runestone.Storage.Tests;

/// <summary>
/// Exact duplicates (same stream, timestamp and line) are stored once, wherever the original is:
/// the open head, full or sealed blocks, persisted chunks, before or after a restart.
/// </summary>
public sealed class DuplicateStorageTests
{
    [Fact]
    public async Task Retry_of_entries_in_full_and_sealed_blocks_is_refused_at_ingest()
    {
        using var dir = new TempDirectory();
        await using var store = await LogStore.OpenAsync(Options(dir) with { BlockSize = 16 }); // a new head every 3 entries
        var batch = Entries([.. Enumerable.Range(1, 10)]);
        await store.Push("t", Stream("api"), batch);
        var retry = await store.Push("t", Stream("api"), batch);

        Assert.Equal(new AppendResult(0, 10, 0), retry);
        await store.FlushAllAsync();
        Assert.Equal(10, await StoredEntries(dir));
        Assert.Equal(batch, store.Query("t", "api"));
    }

    [Fact]
    public async Task Retry_of_a_persisted_chunk_is_refused_and_new_lines_beside_it_are_kept()
    {
        using var dir = new TempDirectory();
        await using var store = await LogStore.OpenAsync(Options(dir) with { BlockSize = 64 });
        var batch = Entries([.. Enumerable.Range(1, 200).Select(i => i * 10L)]);
        await store.Push("t", Stream("api"), batch);
        await store.FlushAllAsync();

        // The retry interleaves new entries: same timestamp with another line, another timestamp
        // with the same line, and one between two stored ones.
        var retry = await store.Push("t", Stream("api"), [.. batch, (500, "another line"), (501, "line 500"), (1005, "between")]);

        Assert.Equal(new AppendResult(3, 200, 0), retry);
        await store.FlushAllAsync();
        Assert.Equal(203, await StoredEntries(dir));
        var all = store.Query("t", "api");
        Assert.Equal(203, all.Count);
        Assert.Contains((500L, "another line"), all);
        Assert.Contains((501L, "line 500"), all);
    }

    [Fact]
    public async Task Retry_after_a_restart_is_checked_against_chunks_and_the_replayed_wal()
    {
        using var dir = new TempDirectory();
        var flushed = Entries(10, 20, 30);
        var unflushed = Entries(40, 50);
        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            await store.Push("t", Stream("api"), flushed);
            await store.FlushAllAsync();
            await store.Push("t", Stream("api"), unflushed);
            Assert.Equal(new AppendResult(0, 5, 0), await store.Push("t", Stream("api"), [.. flushed, .. unflushed]));
        }

        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            // The WAL holds the refused retry too; replaying it refuses it again.
            Assert.Equal(Entries(10, 20, 30, 40, 50), store.Query("t", "api"));
            Assert.Equal(new AppendResult(0, 5, 0), await store.Push("t", Stream("api"), [.. flushed, .. unflushed]));
            await store.FlushAllAsync();
        }

        Assert.Equal(5, await StoredEntries(dir));
    }

    [Fact]
    public async Task A_retry_into_a_large_chunk_decodes_only_the_blocks_that_hold_its_timestamps()
    {
        using var dir = new TempDirectory();
        await using var store = await LogStore.OpenAsync(Options(dir) with { BlockSize = 256 });
        var all = Entries([.. Enumerable.Range(1, 3000).Select(i => i * 10L)]);
        await store.Push("t", Stream("api"), all);
        await store.FlushAllAsync(); // one chunk of ~120 blocks

        Assert.Equal(new AppendResult(0, 5, 0), await store.Push("t", Stream("api"), all[1000..1005]));
        Assert.InRange(store.DuplicateKeyBuilds, 1, 2);
        Assert.Equal(new AppendResult(0, 5, 0), await store.Push("t", Stream("api"), all[1000..1005]));
        Assert.InRange(store.DuplicateKeyBuilds, 1, 2); // cached
    }

    [Fact]
    public async Task The_same_entry_in_another_stream_or_tenant_is_not_a_duplicate()
    {
        using var dir = new TempDirectory();
        await using var store = await LogStore.OpenAsync(Options(dir));
        var batch = Entries(10, 20, 30);
        await store.Push("a", Stream("api"), batch);
        await store.FlushAllAsync();

        Assert.Equal(new AppendResult(3, 0, 1), await store.Push("b", Stream("api"), batch));
        Assert.Equal(new AppendResult(3, 0, 1), await store.Push("a", Stream("web"), batch));
        Assert.Equal(new AppendResult(0, 3, 0), await store.Push("a", Stream("api"), batch));
    }

    [Fact]
    public async Task A_cache_too_small_for_one_chunk_still_finds_every_duplicate()
    {
        using var dir = new TempDirectory();
        await using var store = await LogStore.OpenAsync(Options(dir) with { BlockSize = 64, DuplicateKeysCacheBytes = 1 });
        var first = Entries([.. Enumerable.Range(1, 100).Select(i => i * 10L)]);
        var second = Entries([.. Enumerable.Range(101, 100).Select(i => i * 10L)]);
        await store.Push("t", Stream("api"), first);
        await store.FlushAllAsync();
        await store.Push("t", Stream("api"), second);
        await store.FlushAllAsync();

        // Alternate between the two chunks, one entry per push, so each check evicts the other.
        var refused = 0;
        for (var i = 0; i < 100; i += 7)
        {
            refused += (await store.Push("t", Stream("api"), first[i])).Duplicates;
            refused += (await store.Push("t", Stream("api"), second[i])).Duplicates;
        }

        Assert.Equal(2 * ((100 + 6) / 7), refused);
        await store.FlushAllAsync();
        Assert.Equal(200, await StoredEntries(dir));
    }

    [Fact]
    public async Task A_damaged_chunk_cannot_prove_a_duplicate_so_the_entry_is_stored()
    {
        using var dir = new TempDirectory();
        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            await store.Push("t", Stream("api"), Entries(10, 20, 30));
            await store.FlushAllAsync();
        }

        var file = Directory.GetFiles(dir.Sub("chunks"), "*", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^5] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes);

        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            Assert.Equal(new AppendResult(1, 0, 0), await store.Push("t", Stream("api"), (20, "line 20")));
        }
    }

    public static TheoryData<int> Seeds => new() { 1, 2, 3 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Random_retries_across_heads_blocks_and_chunks_store_each_entry_once(int seed)
    {
        using var dir = new TempDirectory();
        var random = new Random(seed);
        var sent = new HashSet<(long, string)>();
        var pushed = new List<(long, string)>();
        await using (var store = await LogStore.OpenAsync(Options(dir) with { BlockSize = 256 }))
        {
            for (var round = 0; round < 40; round++)
            {
                var batch = new List<(long Ts, string Line)>();
                for (var i = 0; i < 30; i++)
                {
                    if (pushed.Count > 0 && random.Next(3) == 0)
                    {
                        batch.Add(pushed[random.Next(pushed.Count)]); // a retried entry from anywhere
                    }
                    else
                    {
                        var entry = ((long)random.Next(0, 5000), "line " + random.Next(0, 40));
                        batch.Add(entry);
                        pushed.Add(entry);
                    }
                }

                var result = await store.Push("t", Stream("api"), [.. batch]);
                var fresh = batch.Count(e => sent.Add(e));
                Assert.Equal(fresh, result.Stored);
                if (random.Next(8) == 0)
                {
                    await store.FlushAllAsync();
                }
            }

            await store.FlushAllAsync();
        }

        Assert.Equal(sent.Count, await StoredEntries(dir));
        await using (var reopened = await LogStore.OpenAsync(Options(dir)))
        {
            Assert.Equal(sent.Order().ToList(), reopened.Query("t", "api").Order().ToList());
        }
    }

    private static async Task<int> StoredEntries(TempDirectory dir)
    {
        var objects = new FileSystemObjectStore(dir.Sub("chunks"));
        var count = 0;
        foreach (var key in await objects.ListAsync("", CancellationToken.None))
        {
            foreach (var block in ChunkFile.Read((await objects.GetAsync(key, CancellationToken.None))!).Blocks)
            {
                count += block.Count;
            }
        }

        return count;
    }
}
