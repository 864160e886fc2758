using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>Every push validation rule and limit, with Loki's status codes and messages.</summary>
public sealed class ValidationTests
{
    private const string T = "tenant-v";
    private const long Second = 1_000_000_000L;

    [Fact]
    public async Task Invalid_label_names_and_empty_label_sets_are_400()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var ts = Loki.NowNs();

        var (status, body) = await Push(server, Loki.Stream("{1abc=\"x\"}", (ts, "line")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Error parsing labels '{1abc=\"x\"}' with error:", body, StringComparison.Ordinal);

        (status, body) = await Push(server, Loki.Stream("{app-name=\"x\"}", (ts, "line")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Error parsing labels '{app-name=\"x\"}'", body, StringComparison.Ordinal);

        (status, body) = await Push(server, Loki.Stream("{}", (ts, "line")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("error at least one label pair is required per stream", body);

        (status, body) = await Push(server, Loki.Stream("{app=\"x\", app=\"y\"}", (ts, "line")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("duplicate label name: 'app'", body, StringComparison.Ordinal);

        // The same rules through JSON, where label names are object keys.
        using var json = await server.Loki.SendPushAsync(T, Encoding.UTF8.GetBytes($"{{\"streams\":[{{\"stream\":{{\"1abc\":\"x\"}},\"values\":[[\"{ts}\",\"line\"]]}}]}}"), "application/json", gzip: false);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        using var emptyJson = await server.Loki.SendPushAsync(T, Encoding.UTF8.GetBytes($"{{\"streams\":[{{\"stream\":{{}},\"values\":[[\"{ts}\",\"line\"]]}}]}}"), "application/json", gzip: false);
        Assert.Equal(HttpStatusCode.BadRequest, emptyJson.StatusCode);
        Assert.Contains("at least one label pair is required", await emptyJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Empty(await server.Loki.QueryRangeAsync(T, "{app=~\".+\"}", ts - Second, ts + Second));
    }

    [Fact]
    public async Task Label_count_and_name_and_value_lengths_are_limited()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with
        {
            Limits = o.Limits with { MaxLabelNamesPerSeries = 3, MaxLabelNameLength = 10, MaxLabelValueLength = 12 },
        });
        var ts = Loki.NowNs();

        var (status, body) = await Push(server, Loki.Stream("{a=\"1\", b=\"2\", c=\"3\", d=\"4\"}", (ts, "line")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("entry for stream '{a=\"1\", b=\"2\", c=\"3\", d=\"4\"}' has 4 label names; limit 3", body);

        (status, body) = await Push(server, Loki.Stream("{abcdefghijk=\"1\"}", (ts, "line")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("stream '{abcdefghijk=\"1\"}' has label name too long: 'abcdefghijk'", body);

        (status, body) = await Push(server, Loki.Stream("{app=\"0123456789abc\"}", (ts, "line")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("stream '{app=\"0123456789abc\"}' has label value too long: '0123456789abc'", body);

        // At the limits exactly: accepted.
        (status, body) = await Push(server, Loki.Stream("{abcdefghij=\"0123456789ab\", b=\"2\", c=\"3\"}", (ts, "line")));
        Assert.True(status == HttpStatusCode.NoContent, body);
    }

    [Fact]
    public async Task Lines_over_max_line_size_are_refused()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Limits = o.Limits with { MaxLineSize = 100 } });
        var ts = Loki.NowNs();

        var (status, body) = await Push(server, Loki.Stream("{app=\"big\"}", (ts, new string('x', 150)), (ts + 1, new string('y', 100))));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Max entry size '100' bytes exceeded for stream '{app=\"big\"}' while adding an entry with length '150' bytes", body);

        // The valid entry of the same stream is kept, as in Loki.
        var lines = await server.Loki.QueryRangeAsync(T, "{app=\"big\"}", ts - Second, ts + Second);
        Assert.Equal([new string('y', 100)], lines.Select(l => l.Line));
    }

    [Fact]
    public async Task Lines_over_max_line_size_are_truncated_with_max_line_size_truncate()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Limits = o.Limits with { MaxLineSize = 100, MaxLineSizeTruncate = true } });
        var ts = Loki.NowNs();
        var line = string.Concat(Enumerable.Range(0, 30).Select(i => i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)));

        var (status, body) = await Push(server, Loki.Stream("{app=\"big\"}", (ts, line), (ts + 1, "short")));
        Assert.True(status == HttpStatusCode.NoContent, body);
        var lines = await server.Loki.QueryRangeAsync(T, "{app=\"big\"}", ts - Second, ts + Second, direction: "forward");
        Assert.Equal([line[..100], "short"], lines.Select(l => l.Line));
    }

    [Fact]
    public async Task Too_old_and_too_far_in_the_future_are_refused_with_their_timestamps()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with
        {
            Limits = o.Limits with { RejectOldSamplesMaxAge = TimeSpan.FromHours(1), CreationGracePeriod = TimeSpan.FromMinutes(10) },
        });
        var now = Loki.NowNs();
        var old = now - 2 * 3600 * Second;
        var future = now + 3600 * Second;
        var lateButFine = now - 50 * 60 * Second; // older than Loki's max_chunk_age/2 window, inside reject_old_samples_max_age
        var soonButFine = now + 5 * 60 * Second;

        var (status, body) = await Push(server, Loki.Stream("{app=\"time\"}", (old, "old"), (future, "future"), (lateButFine, "late"), (soonButFine, "soon"), (now, "now")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var messages = body.Split('\n');
        Assert.Equal(2, messages.Length);
        Assert.Matches(new Regex("^entry for stream '\\{app=\"time\"\\}' has timestamp too old: " + Rfc3339(old) + ", oldest acceptable timestamp is: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$"), messages[0]);
        Assert.Equal("entry for stream '{app=\"time\"}' has timestamp too new: " + Rfc3339(future), messages[1]);

        var lines = await server.Loki.QueryRangeAsync(T, "{app=\"time\"}", now - 3 * 3600 * Second, now + 2 * 3600 * Second, direction: "forward");
        Assert.Equal(["late", "now", "soon"], lines.Select(l => l.Line));
    }

    [Fact]
    public async Task Tenant_ingestion_rate_is_429_for_that_tenant_only()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with
        {
            Limits = o.Limits with { IngestionRateMB = 0.001, IngestionBurstSizeMB = 0.01 }, // 1048 B/s, 10485 B burst
        });
        var ts = Loki.NowNs();
        var entries = Enumerable.Range(0, 20).Select(i => (ts + i, new string('r', 1000))).ToArray();

        var (status, body) = await Push(server, Loki.Stream("{app=\"rate\"}", entries));
        Assert.Equal((HttpStatusCode)429, status);
        Assert.Equal("Ingestion rate limit exceeded for user tenant-v (limit: 1048 bytes/sec) while attempting to ingest '20' lines totaling '20000' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased", body);
        Assert.Empty(await server.Loki.QueryRangeAsync(T, "{app=\"rate\"}", ts - Second, ts + Second));

        // Another tenant has its own budget; a small push of the same tenant fits the burst.
        using (var other = await server.Loki.PushProtobufAsync("other", Loki.Stream("{app=\"rate\"}", (ts, "small"))))
        {
            await Loki.AssertStatusAsync(HttpStatusCode.NoContent, other);
        }

        (status, body) = await Push(server, Loki.Stream("{app=\"rate\"}", (ts, "small")));
        Assert.True(status == HttpStatusCode.NoContent, body);
    }

    [Fact]
    public async Task Per_stream_rate_is_429_naming_the_stream_and_other_streams_are_stored()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with
        {
            Limits = o.Limits with { PerStreamRateLimit = 1000, PerStreamRateLimitBurst = 2000 },
        });
        var ts = Loki.NowNs();
        var big = Enumerable.Range(0, 3).Select(i => (ts + i, new string('s', 1000))).ToArray();

        var (status, body) = await Push(server, Loki.Stream("{app=\"hot\"}", big), Loki.Stream("{app=\"cold\"}", (ts, "fine")));
        Assert.Equal((HttpStatusCode)429, status);
        Assert.StartsWith("Per stream rate limit exceeded (limit: ", body, StringComparison.Ordinal);
        Assert.Contains("while attempting to ingest for stream '{app=\"hot\"}' totaling ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("cold", body, StringComparison.Ordinal);
        Assert.Equal(["fine"], (await server.Loki.QueryRangeAsync(T, "{app=~\"hot|cold\"}", ts - Second, ts + Second)).Select(l => l.Line));
    }

    [Fact]
    public async Task Max_global_streams_per_user_is_429_for_new_streams_only()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Limits = o.Limits with { MaxGlobalStreamsPerUser = 2 } });
        var ts = Loki.NowNs();
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"one\"}", (ts, "1")), Loki.Stream("{app=\"two\"}", (ts, "2")));

        var (status, body) = await Push(server, Loki.Stream("{app=\"three\"}", (ts, "3")), Loki.Stream("{app=\"one\"}", (ts + 1, "1 again")));
        Assert.Equal((HttpStatusCode)429, status);
        Assert.Equal("Maximum active stream limit exceeded when trying to create stream {app=\"three\"}, reduce the number of active streams (reduce labels or reduce label values), or contact your Loki administrator to see if the limit can be increased, user: 'tenant-v'", body);
        var lines = await server.Loki.QueryRangeAsync(T, "{app=~\".+\"}", ts - Second, ts + Second);
        Assert.Equal(["1", "1 again", "2"], lines.Select(l => l.Line).Order(StringComparer.Ordinal));

        // The limit is per tenant.
        using var other = await server.Loki.PushProtobufAsync("other", Loki.Stream("{app=\"a\"}", (ts, "a")), Loki.Stream("{app=\"b\"}", (ts, "b")));
        await Loki.AssertStatusAsync(HttpStatusCode.NoContent, other);
    }

    [Fact]
    public async Task Malformed_bodies_are_400_with_a_one_line_reason()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var garbage = Encoding.UTF8.GetBytes("this is not snappy at all, not even close");
        var snappyOfGarbage = Snappier.Snappy.CompressToArray(new byte[] { 0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02 });
        var cases = new (byte[] Body, string ContentType, bool Gzip, string Prefix)[]
        {
            (garbage, "application/x-protobuf", false, "error decoding protobuf push body"),
            (snappyOfGarbage, "application/x-protobuf", false, "error decoding protobuf push body"),
            (Encoding.UTF8.GetBytes("{\"streams\": ["), "application/json", false, "error parsing JSON push body"),
            (Encoding.UTF8.GetBytes("{\"streams\": [{\"stream\": {\"a\": \"b\"}, \"values\": [[\"not a number\", \"x\"]]}]}"), "application/json", false, "error parsing JSON push body"),
            (Encoding.UTF8.GetBytes("[1, 2, 3]"), "application/json", false, "error parsing JSON push body"),
            (garbage, "application/json", true, "error parsing JSON push body"),
        };
        foreach (var (body, contentType, gzip, prefix) in cases)
        {
            using var response = await server.Loki.SendPushAsync(T, body, contentType, gzip);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{contentType} {Encoding.UTF8.GetString(body)}: {(int)response.StatusCode} {text}");
            Assert.StartsWith(prefix, text, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', text.TrimEnd('\n'));
        }

        // A body that says gzip but is not.
        using var request = new HttpRequestMessage(HttpMethod.Post, "loki/api/v1/push") { Content = new ByteArrayContent(garbage) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Headers.Add("X-Scope-OrgID", T);
        using var notGzip = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, notGzip.StatusCode);
        Assert.StartsWith("invalid gzip body", await notGzip.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partly_invalid_push_stores_the_valid_streams_and_names_the_refused_ones()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Limits = o.Limits with { MaxLineSize = 50 } });
        var ts = Loki.NowNs();

        var (status, body) = await Push(server,
            Loki.Stream("{app=\"good\"}", (ts, "kept 1")),
            Loki.Stream("{}", (ts, "no labels")),
            Loki.Stream("{bad-name=\"x\"}", (ts, "bad name")),
            Loki.Stream("{app=\"long\"}", (ts, new string('l', 60)), (ts + 1, "kept 2")),
            Loki.Stream("{app=\"good2\"}", (ts, "kept 3")));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var messages = body.Split('\n');
        Assert.Equal(3, messages.Length);
        Assert.Equal("error at least one label pair is required per stream", messages[0]);
        Assert.StartsWith("Error parsing labels '{bad-name=\"x\"}'", messages[1], StringComparison.Ordinal);
        Assert.Equal("Max entry size '50' bytes exceeded for stream '{app=\"long\"}' while adding an entry with length '60' bytes", messages[2]);

        var lines = await server.Loki.QueryRangeAsync(T, "{app=~\".+\"}", ts - Second, ts + Second);
        Assert.Equal(["kept 1", "kept 2", "kept 3"], lines.Select(l => l.Line).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("loki/api/v1/query_range", "{app=\"x\"} |= ")]
    [InlineData("loki/api/v1/query_range", "{app=\"x\"} | unknown_stage")]
    [InlineData("loki/api/v1/query_range", "{app=\"x\"")]
    [InlineData("loki/api/v1/query", "count_over_time({app=\"x\"}[5x])")]
    [InlineData("loki/api/v1/query", "sum by (app) ({app=\"x\"})")]
    public async Task Unparsable_logql_is_400_parse_error_with_position(string path, string query)
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        using var response = await server.Loki.GetAsync(path + Loki.Q(("query", query)), T);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.Matches(new Regex("^parse error at line 1, col \\d+: .+\n?$"), text);
    }

    private static async Task<(HttpStatusCode Status, string Body)> Push(TestServer server, params Runestone.Protocol.Push.PushStreamData[] streams)
    {
        using var response = await server.Loki.PushProtobufAsync(T, streams);
        return (response.StatusCode, (await response.Content.ReadAsStringAsync()).TrimEnd('\n'));
    }

    private static string Rfc3339(long ns) =>
        DateTime.UnixEpoch.AddSeconds(ns / Second).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
