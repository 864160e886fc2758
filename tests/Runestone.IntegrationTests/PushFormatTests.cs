using System.Net;
using System.Text;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>Details of the push formats: label order, repeated streams, JSON escapes, protobuf structured metadata.</summary>
public sealed class PushFormatTests
{
    private const string T = "tenant-f";
    private const long Second = 1_000_000_000L;

    [Fact]
    public async Task Label_order_does_not_make_a_new_stream_and_a_stream_may_repeat_in_one_push()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var ts = Loki.NowNs() - 60 * Second;
        await server.Loki.PushOkAsync(T, Loki.Stream("{b=\"1\", a=\"2\"}", (ts, "first")), Loki.Stream("{a=\"2\", b=\"1\"}", (ts + 1, "second")));
        await server.Loki.PushOkAsync(T, Loki.Stream("{a=\"2\",b=\"1\"}", (ts + 2, "third")));
        var series = await server.Loki.GetJsonAsync("loki/api/v1/series" + Loki.Q(("match[]", "{a=\"2\"}"), ("start", ts - Second), ("end", ts + Second)), T);
        Assert.Equal(1, series.GetProperty("data").GetArrayLength());
        var lines = await server.Loki.QueryRangeAsync(T, "{a=\"2\", b=\"1\"}", ts, ts + Second, direction: "forward");
        Assert.Equal(["first", "second", "third"], lines.Select(l => l.Line));
    }

    [Fact]
    public async Task Json_escapes_and_unicode_round_trip()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var ts = Loki.NowNs() - 60 * Second;
        var body = $"{{\"streams\":[{{\"stream\":{{\"app\":\"caf\\u00e9\"}},\"values\":[[\"{ts}\",\"quote \\\" tab \\t slash \\\\ \\u00e9\\ud83d\\ude00\"]]}}]}}";
        using var response = await server.Loki.SendPushAsync(T, Encoding.UTF8.GetBytes(body), "application/json", gzip: false);
        await Loki.AssertStatusAsync(HttpStatusCode.NoContent, response);
        var line = Assert.Single(await server.Loki.QueryRangeAsync(T, "{app=\"café\"}", ts, ts + 1));
        Assert.Equal("quote \" tab \t slash \\ é😀", line.Line);
    }

    // Loki's Go encoder writes quotes as \" and text as UTF-8; the raw body (what logcli prints
    // with --output=raw and what a proxy logs) should read the same, not \u0022 and \u00e9.
    [Fact]
    public async Task Responses_escape_like_Loki_and_keep_text_as_utf8()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var ts = Loki.NowNs() - 60 * Second;
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"café\"}", (ts, "say \"hé\" <b>")));
        using var response = await server.Loki.GetAsync("loki/api/v1/query_range" + Loki.Q(("query", "{app=\"café\"}"), ("start", ts - Second), ("end", ts + Second)), T);
        var raw = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("\"app\":\"café\"", raw, StringComparison.Ordinal);
        Assert.Contains("say \\\"hé\\\" <b>", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Protobuf_structured_metadata_is_stored_and_filterable()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var ts = Loki.NowNs() - 60 * Second;
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"pb\"}", [Loki.Entry(ts, "one", ("trace_id", "x1")), Loki.Entry(ts + 1, "two", ("trace_id", "x2")), Loki.Entry(ts + 2, "three")]));
        var lines = await server.Loki.QueryRangeAsync(T, "{app=\"pb\"}", ts, ts + Second);
        Assert.Equal("x1", lines.Single(l => l.Line == "one").Labels["trace_id"]);
        Assert.Equal("x2", lines.Single(l => l.Line == "two").Labels["trace_id"]);
        var filtered = await server.Loki.QueryRangeAsync(T, "{app=\"pb\"} | trace_id=\"x2\"", ts, ts + Second);
        Assert.Equal(["two"], filtered.Select(l => l.Line));
    }
}
