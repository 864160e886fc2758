using System.Net;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>Entries of one stream spread over flushed chunks, late head blocks and the live head come back in one order.</summary>
public sealed class MergeOrderTests
{
    private const string T = "tenant-m";
    private const long Second = 1_000_000_000L;

    [Fact]
    public async Task Chunks_late_blocks_and_head_merge_in_time_order_with_limits_before_and_after_restart()
    {
        using var dir = new TempDirectory();
        var t0 = Loki.NowNs() / Second * Second - 3600 * Second;
        long At(int i) => t0 + i * Second;
        string[] all = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];

        async Task Check(Loki loki)
        {
            Assert.Equal(all, (await loki.QueryRangeAsync(T, "{app=\"m\"}", At(0), At(100), direction: "forward")).Select(l => l.Line));
            Assert.Equal(all.Reverse(), (await loki.QueryRangeAsync(T, "{app=\"m\"}", At(0), At(100))).Select(l => l.Line));
            Assert.Equal(["9", "8", "7", "6"], (await loki.QueryRangeAsync(T, "{app=\"m\"}", At(0), At(100), limit: 4)).Select(l => l.Line));
            Assert.Equal(["1", "2", "3", "4"], (await loki.QueryRangeAsync(T, "{app=\"m\"}", At(0), At(100), limit: 4, direction: "forward")).Select(l => l.Line));
            Assert.Equal(["3", "4", "5", "6"], (await loki.QueryRangeAsync(T, "{app=\"m\"}", At(3), At(7), direction: "forward")).Select(l => l.Line));
            Assert.Equal(["6", "5"], (await loki.QueryRangeAsync(T, "{app=\"m\"}", At(3), At(7), limit: 2)).Select(l => l.Line));
        }

        await using (var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Ingester = o.Ingester with { Wal = o.Ingester.Wal with { FlushOnShutdown = false } } }))
        {
            await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"m\"}", (At(1), "1"), (At(4), "4"), (At(7), "7")));
            using (var flush = await server.Http.PostAsync("flush", null))
            {
                Assert.Equal(HttpStatusCode.NoContent, flush.StatusCode);
            }

            await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"m\"}", (At(8), "8"), (At(2), "2"), (At(5), "5")));
            using (var flush = await server.Http.PostAsync("flush", null))
            {
                Assert.Equal(HttpStatusCode.NoContent, flush.StatusCode);
            }

            await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"m\"}", (At(9), "9")));
            await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"m\"}", (At(3), "3"), (At(6), "6")));
            await Check(server.Loki);
        }

        await using var restarted = await TestServer.StartAsync(dir.Path);
        await Check(restarted.Loki);
    }

    [Fact]
    public async Task Utf8_lines_are_truncated_on_a_character_boundary()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Limits = o.Limits with { MaxLineSize = 101, MaxLineSizeTruncate = true } });
        var ts = Loki.NowNs();
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"utf8\"}", (ts, new string('é', 60))));
        var line = Assert.Single(await server.Loki.QueryRangeAsync(T, "{app=\"utf8\"}", ts, ts + 1)).Line;
        Assert.Equal(new string('é', 50), line);
    }
}
