using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>A torn write at the end of the WAL (what a crash mid-append leaves) must not stop the server or lose what came before.</summary>
public sealed class TornWalTests
{
    private const string T = "tenant-w";

    [Fact]
    public async Task Garbage_after_the_last_wal_record_is_ignored_and_earlier_entries_are_kept()
    {
        using var dir = new TempDirectory();
        var ts = Loki.NowNs() - 60_000_000_000L;
        await using (var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Ingester = o.Ingester with { Wal = o.Ingester.Wal with { FlushOnShutdown = false } } }))
        {
            await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"torn\"}", Enumerable.Range(0, 30).Select(i => (ts + i, "line " + i)).ToArray()));
        }

        var segments = Directory.EnumerateFiles(Path.Combine(dir.Path, "wal"), "*", SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).Length > 0)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(segments);
        await using (var tail = new FileStream(segments[^1], FileMode.Append, FileAccess.Write))
        {
            await tail.WriteAsync(new byte[] { 0x17, 0x00, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03 });
        }

        await using (var restarted = await TestServer.StartAsync(dir.Path, configure: o => o with { Ingester = o.Ingester with { Wal = o.Ingester.Wal with { FlushOnShutdown = false } } }))
        {
            var lines = await restarted.Loki.QueryRangeAsync(T, "{app=\"torn\"}", ts, ts + 1000, limit: 100);
            Assert.Equal(30, lines.Count);
            Assert.Equal(30, lines.Select(l => l.Line).Distinct().Count());

            // Records appended after the torn tail must be readable on the next replay.
            await restarted.Loki.PushOkAsync(T, Loki.Stream("{app=\"torn\"}", (ts + 500, "after restart")));
        }

        await using var again = await TestServer.StartAsync(dir.Path);
        var all = await again.Loki.QueryRangeAsync(T, "{app=\"torn\"}", ts, ts + 1000, limit: 100);
        Assert.Equal(31, all.Count);
        Assert.Contains(all, l => l.Line == "after restart");
    }
}
