using System.Net;
using System.Text.Json;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>What the store promises beyond Loki: late entries at any allowed age, duplicates once, metadata kept across restarts.</summary>
public sealed class StoreSemanticsTests
{
    private const string T = "tenant-s";
    private const long Second = 1_000_000_000L;

    [Fact]
    public async Task Exact_duplicates_are_stored_once_also_across_flush_and_restart()
    {
        using var dir = new TempDirectory();
        var ts = Loki.NowNs() - 60 * Second;
        var stream = Loki.Stream("{app=\"dup\"}", (ts, "same"), (ts, "same"), (ts, "different line, same time"), (ts + 1, "same"));
        await using (var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Ingester = o.Ingester with { Wal = o.Ingester.Wal with { FlushOnShutdown = false } } }))
        {
            await server.Loki.PushOkAsync(T, stream);
            await server.Loki.PushOkAsync(T, stream);
            Assert.Equal(3, (await server.Loki.QueryRangeAsync(T, "{app=\"dup\"}", ts, ts + Second)).Count);
            using (var flush = await server.Http.PostAsync("flush", null))
            {
                Assert.Equal(HttpStatusCode.NoContent, flush.StatusCode);
            }

            await server.Loki.PushOkAsync(T, stream);
            Assert.Equal(3, (await server.Loki.QueryRangeAsync(T, "{app=\"dup\"}", ts, ts + Second)).Count);
        }

        await using var restarted = await TestServer.StartAsync(dir.Path);
        await restarted.Loki.PushOkAsync(T, stream);

        // Query-time dedupe would hide a second copy: the store itself says it refused all four.
        var metrics = await restarted.Http.GetStringAsync("metrics");
        Assert.Contains($"runestone_ingester_duplicate_entries_total{{tenant=\"{T}\"}} 4", metrics, StringComparison.Ordinal);
        var lines = await restarted.Loki.QueryRangeAsync(T, "{app=\"dup\"}", ts, ts + Second, direction: "forward");
        Assert.Equal(["different line, same time", "same", "same"], lines.Select(l => l.Line).Order(StringComparer.Ordinal));
        Assert.Equal([ts, ts, ts + 1], lines.Select(l => l.TimestampNs).Order());
    }

    [Fact]
    public async Task Entries_far_behind_the_newest_are_accepted_and_visible_before_and_after_restart()
    {
        using var dir = new TempDirectory();
        var now = Loki.NowNs();
        var daysAgo = now - (5 * 24 * 3600 * Second);
        await using (var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Ingester = o.Ingester with { Wal = o.Ingester.Wal with { FlushOnShutdown = false } } }))
        {
            await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"late\"}", (now, "new")));
            await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"late\"}", (daysAgo, "five days late"), (now - 3 * 3600 * Second, "three hours late")));
            var lines = await server.Loki.QueryRangeAsync(T, "{app=\"late\"}", daysAgo, now + 1, direction: "forward");
            Assert.Equal(["five days late", "three hours late", "new"], lines.Select(l => l.Line));
            Assert.Equal(["five days late"], (await server.Loki.QueryRangeAsync(T, "{app=\"late\"}", daysAgo, daysAgo + 1)).Select(l => l.Line));
        }

        await using var restarted = await TestServer.StartAsync(dir.Path);
        var again = await restarted.Loki.QueryRangeAsync(T, "{app=\"late\"}", daysAgo, now + 1, direction: "forward");
        Assert.Equal(["five days late", "three hours late", "new"], again.Select(l => l.Line));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Structured_metadata_survives_restart_from_wal_and_from_chunks(bool flush)
    {
        using var dir = new TempDirectory();
        var ts = Loki.NowNs() - 60 * Second;
        await using (var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Ingester = o.Ingester with { Wal = o.Ingester.Wal with { FlushOnShutdown = false } } }))
        {
            await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"meta\"}", [Loki.Entry(ts, "traced", ("trace_id", "t-42"), ("user", "ann")), Loki.Entry(ts + 1, "untraced")]));
            if (flush)
            {
                using var response = await server.Http.PostAsync("flush", null);
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            }
        }

        await using var restarted = await TestServer.StartAsync(dir.Path);
        var lines = await restarted.Loki.QueryRangeAsync(T, "{app=\"meta\"}", ts, ts + Second);
        var traced = lines.Single(l => l.Line == "traced");
        Assert.Equal("t-42", traced.Labels["trace_id"]);
        Assert.Equal("ann", traced.Labels["user"]);
        Assert.False(lines.Single(l => l.Line == "untraced").Labels.ContainsKey("trace_id"));
    }

    [Fact]
    public async Task Legacy_push_path_and_range_metric_queries_work()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = (Loki.NowNs() / (60 * Second) * (60 * Second)) - (10 * 60 * Second);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "api/prom/push")
        {
            Content = new ByteArrayContent(Runestone.Protocol.Push.PushEncoder.EncodeProtobufSnappy([Loki.Stream("{app=\"legacy\"}", (t0 + Second, "a"), (t0 + 2 * Second, "b"), (t0 + 70 * Second, "c"))])),
        })
        {
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
            request.Headers.Add("X-Scope-OrgID", T);
            using var response = await server.Http.SendAsync(request);
            await Loki.AssertStatusAsync(HttpStatusCode.NoContent, response);
        }

        var root = await server.Loki.GetJsonAsync("loki/api/v1/query_range" + Loki.Q(("query", "count_over_time({app=\"legacy\"}[1m])"), ("start", t0 + 60 * Second), ("end", t0 + 120 * Second), ("step", "60s")), T);
        var data = root.GetProperty("data");
        Assert.Equal("matrix", data.GetProperty("resultType").GetString());
        var series = Assert.Single(data.GetProperty("result").EnumerateArray());
        Assert.Equal("legacy", series.GetProperty("metric").GetProperty("app").GetString());
        var points = series.GetProperty("values").EnumerateArray().Select(v => (v[0].GetDouble(), v[1].GetString())).ToList();
        Assert.Equal([((t0 + 60 * Second) / 1e9, "2"), ((t0 + 120 * Second) / 1e9, "1")], points);
        Assert.Equal(JsonValueKind.Object, data.GetProperty("stats").ValueKind);
    }

    [Fact]
    public async Task Bad_read_parameters_are_400_with_a_message()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var now = Loki.NowNs();
        foreach (var (query, expected) in new[]
        {
            (Loki.Q(("query", "{app=\"x\"}"), ("start", now), ("end", now - Second)), "end timestamp must not be before the start"),
            (Loki.Q(("query", "{app=\"x\"}"), ("direction", "sideways")), "direction"),
            (Loki.Q(("query", "{app=\"x\"}"), ("limit", "-1")), "limit"),
            (Loki.Q(("query", "{app=\"x\"}"), ("since", "forever")), "since"),
            (Loki.Q(("start", now)), "query"),
        })
        {
            using var response = await server.Loki.GetAsync("loki/api/v1/query_range" + query, T);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {text}");
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }
}
