using Runestone.Core.Logs;
using Runestone.Storage.Engine;
using Xunit;
using static Runestone.Storage.Tests.StoreHarness;

namespace Runestone.Storage.Tests;

public sealed class LogStoreConcurrencyTests
{
    [Fact]
    public async Task Concurrent_pushes_queries_and_flushes_lose_and_double_nothing()
    {
        using var dir = new TempDirectory();
        var options = Options(dir) with { Encoding = Chunks.ChunkEncoding.None, BlockSize = 2048, ChunkTargetSize = 8192, WalSync = Wal.WalSyncMode.Always, FlushCheckPeriod = TimeSpan.FromMilliseconds(50) };
        const int writers = 4;
        const int perWriter = 400;
        await using var store = await LogStore.OpenAsync(options);
        using var stop = new CancellationTokenSource();

        var readers = Task.Run(async () =>
        {
            var rounds = 0;
            while (!stop.IsCancellationRequested)
            {
                for (var w = 0; w < writers; w++)
                {
                    var forward = store.Query("t", "w" + w);
                    Assert.Equal(forward.Select(e => e.Ts).Order(), forward.Select(e => e.Ts));
                    Assert.Equal(forward.Count, forward.Distinct().Count());
                    var backward = store.Query("t", "w" + w, direction: Direction.Backward);
                    Assert.Equal(backward.Select(e => e.Ts).OrderDescending(), backward.Select(e => e.Ts));
                }

                rounds++;
                await Task.Yield();
            }

            return rounds;
        });

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                // Mostly in order, every 7th entry late.
                var ts = i % 7 == 0 ? i - 50 : i * 10;
                await store.Push("t", Stream("w" + w), (ts, $"writer {w} entry {i} " + new string('p', 40)));
            }
        })));

        stop.Cancel();
        Assert.True(await readers > 0);
        for (var w = 0; w < writers; w++)
        {
            var result = store.Query("t", "w" + w);
            Assert.Equal(perWriter, result.Count);
            Assert.Equal(perWriter, result.Distinct().Count());
        }

        Assert.True(store.Counters.ChunksFlushed > 0, "the small target size should have cut chunks while pushing");
    }
}
