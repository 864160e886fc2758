using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>/ready, /metrics, /config, buildinfo and /flush.</summary>
public sealed class OperationalEndpointsTests
{
    private const string T = "tenant-o";

    [Fact]
    public async Task Ready_answers_200_once_replay_is_done()
    {
        using var dir = new TempDirectory();
        var ts = Loki.NowNs();
        await using (var first = await TestServer.StartAsync(dir.Path, configure: o => o with { Ingester = o.Ingester with { Wal = o.Ingester.Wal with { FlushOnShutdown = false } } }))
        {
            using var ready = await first.Http.GetAsync("ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
            await first.Loki.PushOkAsync(T, Loki.Stream("{app=\"r\"}", Enumerable.Range(0, 500).Select(i => (ts + i, "line " + i)).ToArray()));
        }

        // A server with a WAL to replay: /ready is 503 or 200 while it opens, and 200 once Ready completes.
        var server = new Runestone.Server.RunestoneServer(TestServer.DefaultOptions(dir.Path));
        await using (server)
        {
            await server.StartAsync();
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            using (var early = await http.GetAsync("ready"))
            {
                Assert.Contains(early.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
            }

            await server.Ready.WaitAsync(TimeSpan.FromSeconds(30));
            using var ready = await http.GetAsync("ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var loki = new Loki(http);
            Assert.Equal(500, (await loki.QueryRangeAsync(T, "{app=\"r\"}", ts, ts + 1000, limit: 1000)).Count);
        }
    }

    [Fact]
    public async Task Metrics_expose_lokis_names_with_values()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var ts = Loki.NowNs();
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"m1\"}", (ts, "12345"), (ts + 1, "67890")), Loki.Stream("{app=\"m2\"}", (ts, "abc")));
        await server.Loki.QueryRangeAsync(T, "{app=\"m1\"}", ts - 1_000_000_000L, ts + 1_000_000_000L);
        await server.Loki.GetJsonAsync("loki/api/v1/query" + Loki.Q(("query", "count_over_time({app=\"m1\"}[1m])"), ("time", ts + 1_000_000_000L)), T);

        var text = await server.Http.GetStringAsync("metrics");
        Assert.Contains("loki_distributor_lines_received_total{tenant=\"tenant-o\"} 3", text, StringComparison.Ordinal);
        Assert.Contains("loki_distributor_bytes_received_total{tenant=\"tenant-o\"} 13", text, StringComparison.Ordinal);
        Assert.Contains("loki_ingester_streams_total{tenant=\"tenant-o\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("loki_ingester_memory_streams{tenant=\"tenant-o\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE loki_ingester_chunks_flushed_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE loki_query_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Matches(new Regex("loki_query_duration_seconds_count\\{endpoint=\"query_range\"\\} 1\\b"), text);
        Assert.Matches(new Regex("loki_query_duration_seconds_count\\{endpoint=\"query\"\\} 1\\b"), text);
        Assert.Contains("# TYPE loki_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Matches(new Regex("loki_request_duration_seconds_count\\{[^}]*route=\"/loki/api/v1/push\"[^}]*status_code=\"204\"[^}]*\\} 1\\b"), text);
    }

    [Fact]
    public async Task Config_returns_the_effective_configuration_as_yaml()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Limits = o.Limits with { MaxLabelNamesPerSeries = 7 } });
        using var response = await server.Http.GetAsync("config");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var yaml = await response.Content.ReadAsStringAsync();
        Assert.Contains("auth_enabled: true", yaml, StringComparison.Ordinal);
        Assert.Matches(new Regex("(?m)^server:\\n(  .*\\n)*  http_listen_port: 0$"), yaml);
        Assert.Matches(new Regex("(?m)^common:\\n(  .*\\n)*  path_prefix: \"?" + Regex.Escape(dir.Path) + "\"?$"), yaml);
        Assert.Matches(new Regex("(?m)^limits_config:\\n(  .*\\n)*  max_label_names_per_series: 7$"), yaml);
        Assert.Matches(new Regex("(?m)^ingester:$"), yaml);
    }

    [Fact]
    public async Task Buildinfo_is_lokis_json()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        using var response = await server.Http.GetAsync("loki/api/v1/status/buildinfo");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        foreach (var key in new[] { "revision", "branch", "buildUser", "buildDate", "goVersion" })
        {
            Assert.Equal(JsonValueKind.String, root.GetProperty(key).ValueKind);
        }
    }

    [Fact]
    public async Task Flush_writes_chunk_files_and_data_stays_readable()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var ts = Loki.NowNs();
        var chunks = Path.Combine(dir.Path, "chunks");
        Assert.Empty(Directory.Exists(chunks) ? Directory.EnumerateFiles(chunks, "*", SearchOption.AllDirectories) : []);
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"f\"}", Enumerable.Range(0, 100).Select(i => (ts + i, "flushed line " + i.ToString(CultureInfo.InvariantCulture))).ToArray()));

        using var flush = await server.Http.PostAsync("flush", null);
        Assert.Equal(HttpStatusCode.NoContent, flush.StatusCode);
        var files = Directory.EnumerateFiles(chunks, "*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > 0, f));

        var lines = await server.Loki.QueryRangeAsync(T, "{app=\"f\"}", ts, ts + 1000, limit: 1000, direction: "forward");
        Assert.Equal(Enumerable.Range(0, 100).Select(i => "flushed line " + i.ToString(CultureInfo.InvariantCulture)), lines.Select(l => l.Line));
        using var again = await server.Http.PostAsync("flush", null);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
    }

    [Fact]
    public async Task Chunks_flushed_counter_counts_flushed_chunks()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var ts = Loki.NowNs();
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"f\"}", (ts, "line")));
        using var flush = await server.Http.PostAsync("flush", null);
        Assert.Equal(HttpStatusCode.NoContent, flush.StatusCode);
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(dir.Path, "chunks"), "*", SearchOption.AllDirectories));
        var text = await server.Http.GetStringAsync("metrics");
        Assert.Matches(new System.Text.RegularExpressions.Regex("(?m)^loki_ingester_chunks_flushed_total\\{reason=\"[^\"]+\"\\} [1-9]"), text);
    }
}
