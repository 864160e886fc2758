using System.Net;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>Stop and start on the same directory: entries come back from chunks and from the WAL, each exactly once.</summary>
public sealed class RestartTests
{
    private const string T = "tenant-r";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Entries_come_back_exactly_once_from_chunks_and_wal_after_restarts(bool flushOnShutdown)
    {
        using var dir = new TempDirectory();
        RunestoneOptionsFactory options = d => TestServer.DefaultOptions(d) is var o
            ? o with { Ingester = o.Ingester with { Wal = o.Ingester.Wal with { FlushOnShutdown = flushOnShutdown } } }
            : throw new InvalidOperationException();
        var t0 = Loki.NowNs() - 1_800_000_000_000L;
        var expected = new List<string>();

        async Task PushBatch(Loki loki, string name, int count)
        {
            var api = new List<(long, string)>();
            var web = new List<(long, string)>();
            for (var i = 0; i < count; i++)
            {
                var line = $"{name}-{i}";
                (i % 2 == 0 ? api : web).Add((t0 + expected.Count, line));
                expected.Add(line);
            }

            await loki.PushOkAsync(T, Loki.Stream("{app=\"api\"}", api.ToArray()), Loki.Stream("{app=\"web\"}", web.ToArray()));
        }

        async Task AssertAll(Loki loki)
        {
            var lines = await loki.QueryRangeAsync(T, "{app=~\"api|web\"}", t0, t0 + 1_000_000_000_000L, limit: 5000);
            Assert.Equal(expected.Order(StringComparer.Ordinal), lines.Select(l => l.Line).Order(StringComparer.Ordinal));
        }

        await using (var first = await TestServer.StartAsync(options(dir.Path)))
        {
            await PushBatch(first.Loki, "flushed", 20);
            using (var flush = await first.Http.PostAsync("flush", null))
            {
                Assert.Equal(HttpStatusCode.NoContent, flush.StatusCode);
            }

            Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(dir.Path, "chunks"), "*", SearchOption.AllDirectories));
            await PushBatch(first.Loki, "wal", 20);
            await AssertAll(first.Loki);
        }

        await using (var second = await TestServer.StartAsync(options(dir.Path)))
        {
            await AssertAll(second.Loki);
            await PushBatch(second.Loki, "after-restart", 10);
            await AssertAll(second.Loki);
        }

        await using (var third = await TestServer.StartAsync(options(dir.Path)))
        {
            await AssertAll(third.Loki);
            using var labels = await third.Loki.GetAsync("loki/api/v1/label/app/values" + Loki.Q(("start", t0), ("end", t0 + 1_000_000_000_000L)), T);
            Assert.Equal("{\"status\":\"success\",\"data\":[\"api\",\"web\"]}", await labels.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Tenants_stay_apart_after_restart()
    {
        using var dir = new TempDirectory();
        var t0 = Loki.NowNs() - 60_000_000_000L;
        await using (var first = await TestServer.StartAsync(dir.Path))
        {
            await first.Loki.PushOkAsync("a", Loki.Stream("{app=\"x\"}", (t0, "from a")));
            using (var flush = await first.Http.PostAsync("flush", null))
            {
                Assert.Equal(HttpStatusCode.NoContent, flush.StatusCode);
            }

            await first.Loki.PushOkAsync("b", Loki.Stream("{app=\"x\"}", (t0, "from b")));
        }

        await using var second = await TestServer.StartAsync(dir.Path);
        Assert.Equal(["from a"], (await second.Loki.QueryRangeAsync("a", "{app=\"x\"}", t0, t0 + 1)).Select(l => l.Line));
        Assert.Equal(["from b"], (await second.Loki.QueryRangeAsync("b", "{app=\"x\"}", t0, t0 + 1)).Select(l => l.Line));
        Assert.Empty(await second.Loki.QueryRangeAsync("c", "{app=\"x\"}", t0, t0 + 1));
    }

    private delegate Runestone.Server.Configuration.RunestoneOptions RunestoneOptionsFactory(string directory);
}
