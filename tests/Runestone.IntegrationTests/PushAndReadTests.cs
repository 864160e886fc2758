using System.Net;
using System.Text.Json;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>Push in every wire format for two tenants, read back through every read endpoint.</summary>
public sealed class PushAndReadTests
{
    private const string A = "team-a";
    private const string B = "team-b";

    [Fact]
    public async Task Two_tenants_push_protobuf_json_and_gzip_json_and_read_back_through_every_endpoint()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var loki = server.Loki;
        var t0 = Loki.NowNs() - 600_000_000_000L; // ten minutes ago
        long S(int seconds) => t0 + seconds * 1_000_000_000L;

        await loki.PushOkAsync(A, Loki.Stream("{app=\"api\", env=\"prod\"}", (S(1), "a api 1"), (S(2), "a api 2"), (S(3), "a api 3")));
        using (var json = await loki.PushJsonAsync(A, gzip: false, Loki.Stream("{app=\"web\", env=\"prod\"}", (S(4), "a web 1"), (S(5), "a web 2"))))
        {
            await Loki.AssertStatusAsync(HttpStatusCode.NoContent, json);
        }

        using (var gz = await loki.PushJsonAsync(A, gzip: true, Loki.Stream("{app=\"worker\", env=\"dev\"}", [Loki.Entry(S(6), "a worker 1", ("trace_id", "t-1")), Loki.Entry(S(7), "a worker 2", ("trace_id", "t-2"))])))
        {
            await Loki.AssertStatusAsync(HttpStatusCode.NoContent, gz);
        }

        await loki.PushOkAsync(B, Loki.Stream("{app=\"api\", env=\"staging\"}", (S(1), "b api 1"), (S(2), "b api 2")));

        var start = S(0);
        var end = S(60);

        // query_range, GET: everything of A, nothing of B.
        var a = await loki.QueryRangeAsync(A, "{env=~\".+\"}", start, end, limit: 1000);
        Assert.Equal(["a api 1", "a api 2", "a api 3", "a web 1", "a web 2", "a worker 1", "a worker 2"], a.Select(l => l.Line).Order(StringComparer.Ordinal));
        Assert.Equal(S(1), a.Single(l => l.Line == "a api 1").TimestampNs);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "api", ["env"] = "prod" }, a.First(l => l.Line == "a api 1").Labels);
        var b = await loki.QueryRangeAsync(B, "{env=~\".+\"}", start, end, limit: 1000);
        Assert.Equal(["b api 2", "b api 1"], b.Select(l => l.Line));
        Assert.Equal("staging", b[0].Labels["env"]);

        // The whole response shape of query_range.
        var root = await loki.QueryRangeJsonAsync(A, "{app=\"api\"}", start, end);
        var data = root.GetProperty("data");
        Assert.Equal("streams", data.GetProperty("resultType").GetString());
        var stream = Assert.Single(data.GetProperty("result").EnumerateArray());
        Assert.Equal("api", stream.GetProperty("stream").GetProperty("app").GetString());
        var values = stream.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(3, values.Count);
        Assert.Equal(S(3).ToString(System.Globalization.CultureInfo.InvariantCulture), values[0][0].GetString());
        Assert.Equal("a api 3", values[0][1].GetString());
        Assert.Equal(2, values[0].GetArrayLength());
        var summary = data.GetProperty("stats").GetProperty("summary");
        Assert.Equal(JsonValueKind.Number, summary.GetProperty("execTime").ValueKind);
        Assert.Equal(3, summary.GetProperty("totalEntriesReturned").GetInt32());

        // query_range, POST form.
        var form = new Dictionary<string, string>
        {
            ["query"] = "{app=\"web\"}",
            ["start"] = start.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["end"] = end.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["direction"] = "forward",
        };
        var posted = Loki.Lines(await loki.GetJsonAsync("loki/api/v1/query_range", A, form));
        Assert.Equal(["a web 1", "a web 2"], posted.Select(l => l.Line));
        Assert.Empty(Loki.Lines(await loki.GetJsonAsync("loki/api/v1/query_range", B, form)));

        // Instant metric query: a vector.
        var vector = await loki.GetJsonAsync("loki/api/v1/query" + Loki.Q(("query", "count_over_time({app=\"api\"}[5m])"), ("time", S(30))), A);
        var vdata = vector.GetProperty("data");
        Assert.Equal("vector", vdata.GetProperty("resultType").GetString());
        Assert.Equal(JsonValueKind.Object, vdata.GetProperty("stats").ValueKind);
        var sample = Assert.Single(vdata.GetProperty("result").EnumerateArray());
        Assert.Equal("prod", sample.GetProperty("metric").GetProperty("env").GetString());
        Assert.Equal(JsonValueKind.Number, sample.GetProperty("value")[0].ValueKind);
        Assert.Equal(S(30) / 1e9, sample.GetProperty("value")[0].GetDouble(), 3);
        Assert.Equal("3", sample.GetProperty("value")[1].GetString());
        var bVector = await loki.GetJsonAsync("loki/api/v1/query" + Loki.Q(("query", "count_over_time({app=\"api\"}[5m])"), ("time", S(30))), B);
        Assert.Equal("2", Assert.Single(bVector.GetProperty("data").GetProperty("result").EnumerateArray()).GetProperty("value")[1].GetString());

        // Instant log query: streams.
        var instant = Loki.Lines(await loki.GetJsonAsync("loki/api/v1/query" + Loki.Q(("query", "{app=\"web\"}"), ("time", S(30)), ("limit", 10)), A));
        Assert.Equal(["a web 2", "a web 1"], instant.Select(l => l.Line));

        // labels, label values (with a selector), series; bounded by start/end.
        var range = Loki.Q(("start", start), ("end", end));
        Assert.Equal(["app", "env"], Loki.Strings(await loki.GetJsonAsync("loki/api/v1/labels" + range, A)));
        Assert.Equal(["app", "env"], Loki.Strings(await loki.GetJsonAsync("loki/api/v1/labels" + range, B)));
        Assert.Equal(["api", "web", "worker"], Loki.Strings(await loki.GetJsonAsync("loki/api/v1/label/app/values" + range, A)));
        Assert.Equal(["api"], Loki.Strings(await loki.GetJsonAsync("loki/api/v1/label/app/values" + range, B)));
        Assert.Equal(["api", "web"], Loki.Strings(await loki.GetJsonAsync("loki/api/v1/label/app/values" + range + "&query=" + Uri.EscapeDataString("{env=\"prod\"}"), A)));
        Assert.Equal(["prod", "dev"], Loki.Strings(await loki.GetJsonAsync("loki/api/v1/label/env/values" + range, A)).OrderDescending(StringComparer.Ordinal));

        var series = await loki.GetJsonAsync("loki/api/v1/series" + range + "&match[]=" + Uri.EscapeDataString("{app=~\"api|worker\"}"), A);
        var sets = series.GetProperty("data").EnumerateArray()
            .Select(s => string.Join(",", s.EnumerateObject().Select(p => p.Name + "=" + p.Value.GetString())))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["app=api,env=prod", "app=worker,env=dev"], sets);
        var bSeries = await loki.GetJsonAsync("loki/api/v1/series" + range + "&match[]=" + Uri.EscapeDataString("{app=~\"api|worker\"}"), B);
        Assert.Equal("staging", Assert.Single(bSeries.GetProperty("data").EnumerateArray()).GetProperty("env").GetString());

        // A range a day before the data sees nothing.
        var before = Loki.Q(("start", start - 2 * 86_400_000_000_000L), ("end", start - 86_400_000_000_000L));
        Assert.Empty(Loki.Strings(await loki.GetJsonAsync("loki/api/v1/labels" + before, A)));
        Assert.Empty(Loki.Strings(await loki.GetJsonAsync("loki/api/v1/label/app/values" + before, A)));
        Assert.Empty((await loki.GetJsonAsync("loki/api/v1/series" + before + "&match[]=" + Uri.EscapeDataString("{app=~\".+\"}"), A)).GetProperty("data").EnumerateArray());
        Assert.Empty(await loki.QueryRangeAsync(A, "{app=~\".+\"}", start - 2 * 86_400_000_000_000L, start - 86_400_000_000_000L));
    }

    [Fact]
    public async Task Json_structured_metadata_is_kept_and_folded_into_the_stream_labels()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = Loki.NowNs() - 60_000_000_000L;
        using (var push = await server.Loki.PushJsonAsync(A, gzip: false, Loki.Stream("{app=\"worker\"}", [Loki.Entry(t0, "with trace", ("trace_id", "abc")), Loki.Entry(t0 + 1, "plain")])))
        {
            await Loki.AssertStatusAsync(HttpStatusCode.NoContent, push);
        }

        // Without the categorize flag, Loki folds structured metadata into the stream labels.
        var lines = await server.Loki.QueryRangeAsync(A, "{app=\"worker\"}", t0, t0 + 1_000_000_000L);
        Assert.Equal("abc", lines.Single(l => l.Line == "with trace").Labels["trace_id"]);
        Assert.False(lines.Single(l => l.Line == "plain").Labels.ContainsKey("trace_id"));
    }

    [Fact]
    public async Task Missing_org_id_is_401_no_org_id_on_push_and_every_read()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var ts = Loki.NowNs();
        using (var push = await server.Loki.PushProtobufAsync(null, Loki.Stream("{app=\"x\"}", (ts, "line"))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, push.StatusCode);
            Assert.Equal("no org id", (await push.Content.ReadAsStringAsync()).Trim());
        }

        using (var push = await server.Loki.PushJsonAsync(null, gzip: false, Loki.Stream("{app=\"x\"}", (ts, "line"))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, push.StatusCode);
        }

        foreach (var path in new[]
        {
            "loki/api/v1/query_range?query=" + Uri.EscapeDataString("{app=\"x\"}"),
            "loki/api/v1/query?query=" + Uri.EscapeDataString("count_over_time({app=\"x\"}[1m])"),
            "loki/api/v1/labels",
            "loki/api/v1/label/app/values",
            "loki/api/v1/series?match[]=" + Uri.EscapeDataString("{app=\"x\"}"),
        })
        {
            using var response = await server.Loki.GetAsync(path, null);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("no org id", (await response.Content.ReadAsStringAsync()).Trim());
        }
    }

    [Fact]
    public async Task With_auth_disabled_every_request_is_tenant_fake()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, auth: false);
        var ts = Loki.NowNs() - 1_000_000_000L;
        await server.Loki.PushOkAsync(null, Loki.Stream("{app=\"x\"}", (ts, "no header")));
        await server.Loki.PushOkAsync("team-a", Loki.Stream("{app=\"x\"}", (ts + 1, "with header")));

        foreach (var reader in new string?[] { null, "team-a", "someone-else" })
        {
            var lines = await server.Loki.QueryRangeAsync(reader, "{app=\"x\"}", ts, ts + 1_000_000_000L);
            Assert.Equal(["with header", "no header"], lines.Select(l => l.Line));
        }

        using var metrics = await server.Http.GetAsync("metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("loki_distributor_lines_received_total{tenant=\"fake\"} 2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant=\"team-a\"", text, StringComparison.Ordinal);
    }
}
