using System.Net;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>
/// Flushed chunks use template blocks by default: filters that first look at a block's
/// templates (needles with digits, hex ids, plain words, regexes, negations) must find exactly
/// what they find in the open head, and lines must come back byte for byte.
/// </summary>
public sealed class TemplateChunkQueryTests
{
    private const string T = "tenant-tpl";
    private const long Second = 1_000_000_000L;

    [Fact]
    public async Task Filtered_queries_return_the_same_lines_before_and_after_flush()
    {
        using var dir = new TempDirectory();
        var t0 = Loki.NowNs() - 120 * Second;
        var random = new Random(17);
        var entries = new List<(long, string)>();
        for (var i = 0; i < 3000; i++)
        {
            var status = i % 97 == 0 ? 504 : 200;
            var line = i switch
            {
                1234 => "level=error ts=2026-11-24T21:33:05.007Z msg=\"connection refused\" trace_id=needle-q7d3c9a1f5e2b status=503",
                2000 => $"10.0.0.{i % 256} - - \"GET /api/v1/orders/00042 HTTP/1.1\" 200 0.012 DEADBEEF0042",
                _ => $"level=info ts=2026-11-24T21:{i / 60 % 60:00}:{i % 60:00}.{random.Next(1000):000}Z caller=db.go:{random.Next(20, 900)} duration={random.Next(1, 900)}ms status={status} trace_id={random.NextInt64():x16}",
            };
            entries.Add((t0 + i * 1_000_003L, line));
        }

        string[] queries =
        [
            "{app=\"tpl\"} |= \"needle-q7d3c9a1f5e2b\"",
            "{app=\"tpl\"} |= \"status=504\"",
            "{app=\"tpl\"} |= \"00042\"",
            "{app=\"tpl\"} |= \"DEADBEEF0042\"",
            "{app=\"tpl\"} |= \"connection refused\"",
            "{app=\"tpl\"} |= \"no such text\"",
            "{app=\"tpl\"} |~ \"caller=db.go:8[0-9][0-9] .*status=504\"",
            "{app=\"tpl\"} != \"status=200\"",
        ];

        await using var server = await TestServer.StartAsync(dir.Path);
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"tpl\"}", entries.ToArray()));
        var before = new List<string[]>();
        foreach (var query in queries)
        {
            before.Add([.. (await server.Loki.QueryRangeAsync(T, query, t0, t0 + 10 * Second, limit: 5000)).Select(l => l.Line)]);
        }

        using (var flush = await server.Http.PostAsync("flush", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, flush.StatusCode);
        }

        for (var q = 0; q < queries.Length; q++)
        {
            var after = (await server.Loki.QueryRangeAsync(T, queries[q], t0, t0 + 10 * Second, limit: 5000)).Select(l => l.Line).ToArray();
            Assert.Equal(before[q], after);
        }

        Assert.Single(before[0]);
        Assert.Equal(31, before[1].Length); // i % 97 == 0 for i < 3000
        Assert.Single(before[2]);
        Assert.Single(before[3]);
        Assert.Single(before[4]);
        Assert.Empty(before[5]);
        Assert.Equal(before[1].Length + 2, before[7].Length);
        var all = (await server.Loki.QueryRangeAsync(T, "{app=\"tpl\"}", t0, t0 + 10 * Second, limit: 5000, direction: "forward")).Select(l => l.Line);
        Assert.Equal(entries.Select(e => e.Item2), all);
    }
}
