using System.Text;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.Storage.Engine;
using Runestone.Storage.Wal;
using Xunit;
using static Runestone.Storage.Tests.StoreHarness;

namespace Runestone.Storage.Tests;

public sealed class LogStoreRecoveryTests
{
    [Fact]
    public async Task Structured_metadata_survives_memory_chunks_and_replay()
    {
        using var dir = new TempDirectory();
        LabelPair[] meta = [new("trace_id", "abc123"), new("user", "ü")];
        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            await store.AppendAsync("t", [new StreamAppend(Stream("api"), [
                new AppendEntry(1, Encoding.UTF8.GetBytes("with metadata"), meta),
                new AppendEntry(2, Encoding.UTF8.GetBytes("without"), null),
            ])], CancellationToken.None);
            Assert.Equal([meta, []], ReadMetadata(store));
            await store.FlushAllAsync();
            Assert.Equal([meta, []], ReadMetadata(store));
            Assert.True(await WaitUntil(() => Directory.GetFiles(dir.Sub("wal"), "*.wal").Length == 1, TimeSpan.FromSeconds(10)));
            await store.AppendAsync("t", [new StreamAppend(Stream("api"), [new AppendEntry(3, Encoding.UTF8.GetBytes("replayed"), [new("k", "v")])])], CancellationToken.None);
        }

        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            Assert.Equal([meta, [], [new LabelPair("k", "v")]], ReadMetadata(store));
        }
    }

    [Fact]
    public async Task Torn_wal_tail_keeps_every_complete_push_and_warns()
    {
        using var dir = new TempDirectory();
        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            for (var i = 1; i <= 5; i++)
            {
                await store.Push("t", Stream("api"), (i, "line " + i));
            }
        }

        var segment = Directory.GetFiles(dir.Sub("wal"), "*.wal").Single();
        var bytes = File.ReadAllBytes(segment);
        File.WriteAllBytes(segment, bytes.AsSpan(0, bytes.Length - 3).ToArray()); // the last push was torn

        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            Assert.Equal(Entries(1, 2, 3, 4), store.Query("t", "api"));
            Assert.Contains(store.Warnings, w => w.Contains("torn record", StringComparison.Ordinal));

            // The store keeps working after the repair, in a new segment.
            await store.Push("t", Stream("api"), (6, "line 6"));
        }

        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            Assert.Equal(Entries(1, 2, 3, 4, 6), store.Query("t", "api"));
        }
    }

    [Fact]
    public async Task Corrupt_wal_record_keeps_the_records_before_it_and_later_segments()
    {
        using var dir = new TempDirectory();
        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            await store.Push("t", Stream("api"), (1, "line 1"));
            await store.Push("t", Stream("api"), (2, "line 2"));
            await store.Push("t", Stream("api"), (3, "line 3"));
        }

        var path = Path.Combine(dir.Sub("wal"), WalSegmentFormat.FileName(1));
        var data = File.ReadAllBytes(path);
        var offsets = WalTests.RecordOffsets(data);
        data[offsets[2] + WalSegmentFormat.RecordHeaderSize + 3] ^= 0x55; // record 0 is the series, 1..3 the pushes
        File.WriteAllBytes(path, data);

        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            Assert.Equal(Entries(1), store.Query("t", "api"));
            Assert.Contains(store.Warnings, w => w.Contains("corrupt record", StringComparison.Ordinal));
            await store.Push("t", Stream("api"), (4, "line 4")); // lands in segment 2, which logs the series again
        }

        await using (var store = await LogStore.OpenAsync(Options(dir)))
        {
            Assert.Equal(Entries(1, 4), store.Query("t", "api"));
        }
    }

    [Fact]
    public async Task Late_entries_and_many_streams_replay_into_the_same_answers()
    {
        using var dir = new TempDirectory();
        var options = Options(dir) with { BlockSize = 512 };
        var random = new Random(5);
        var expected = new Dictionary<string, List<(long Ts, string Line)>>();
        await using (var store = await LogStore.OpenAsync(options))
        {
            for (var i = 0; i < 400; i++)
            {
                var app = "app" + random.Next(5);
                var ts = random.Next(10_000);
                var line = $"entry {i}";
                await store.Push("t", Stream(app), (ts, line));
                (expected.TryGetValue(app, out var list) ? list : expected[app] = []).Add((ts, line));
                if (i == 200)
                {
                    await store.FlushAllAsync();
                    Assert.True(await WaitUntil(() => Directory.GetFiles(dir.Sub("wal"), "*.wal").Length == 1, TimeSpan.FromSeconds(10)));
                }
            }

            foreach (var (app, list) in expected)
            {
                AssertSameEntriesInOrder(list, store.Query("t", app));
            }
        }

        await using (var store = await LogStore.OpenAsync(options))
        {
            foreach (var (app, list) in expected)
            {
                AssertSameEntriesInOrder(list, store.Query("t", app));
                var backward = store.Query("t", app, direction: Direction.Backward);
                Assert.Equal(list.Select(e => e.Ts).OrderDescending(), backward.Select(e => e.Ts));
                Assert.Equal(list.Order(), backward.Order());
                Assert.True(store.StreamExists("t", Stream(app).Fingerprint));
            }
        }
    }

    // Timestamps must come back sorted; the order of different lines at one timestamp is not specified.
    private static void AssertSameEntriesInOrder(List<(long Ts, string Line)> pushed, List<(long Ts, string Line)> returned)
    {
        Assert.Equal(pushed.Select(e => e.Ts).Order(), returned.Select(e => e.Ts));
        Assert.Equal(pushed.Order(), returned.Order());
    }

    private static List<LabelPair[]> ReadMetadata(LogStore store)
    {
        var result = new List<LabelPair[]>();
        foreach (var iterator in store.Select("t", [Eq("app", "api")], long.MinValue, long.MaxValue, Direction.Forward, null, new QueryStatistics()))
        {
            using (iterator)
            {
                while (iterator.MoveNext())
                {
                    result.Add(iterator.Metadata.ToArray());
                }
            }
        }

        return result;
    }
}
