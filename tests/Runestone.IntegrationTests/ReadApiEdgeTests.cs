using System.Net;
using System.Text;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>Edges of the read API: regex anchoring of alternations, metric range edges, limits, tenant IDs, forms.</summary>
public sealed class ReadApiEdgeTests
{
    private const string T = "tenant-p";
    private const long Second = 1_000_000_000L;

    [Fact]
    public async Task Regex_alternation_is_anchored_as_a_whole()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = Loki.NowNs() - 60 * Second;
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"api\"}", (t0, "api")), Loki.Stream("{app=\"ap\"}", (t0, "ap")), Loki.Stream("{app=\"zapi\"}", (t0, "zapi")));
        var lines = await server.Loki.QueryRangeAsync(T, "{app=~\"zap|ap\"}", t0, t0 + 1);
        Assert.Equal(["ap"], lines.Select(l => l.Line));
        lines = await server.Loki.QueryRangeAsync(T, "{app=~\".+\", app!~\"zap|ap\"}", t0, t0 + 1);
        Assert.Equal(["api", "zapi"], lines.Select(l => l.Line).Order(StringComparer.Ordinal));
        // Line filter regexes are not anchored.
        lines = await server.Loki.QueryRangeAsync(T, "{app=~\".+\"} |~ \"p|z\"", t0, t0 + 1);
        Assert.Equal(3, lines.Count);
        lines = await server.Loki.QueryRangeAsync(T, "{app=~\".+\"} |~ \"(?i)API\"", t0, t0 + 1);
        Assert.Equal(["api", "zapi"], lines.Select(l => l.Line).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Instant_metric_range_is_start_exclusive_end_inclusive()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t = Loki.NowNs() / Second * Second - 60 * Second;
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"i\"}", (t - 300 * Second, "at range start"), (t - 300 * Second + 1, "inside"), (t, "at time"), (t + 1, "after")));
        var root = await server.Loki.GetJsonAsync("loki/api/v1/query" + Loki.Q(("query", "count_over_time({app=\"i\"}[5m])"), ("time", t)), T);
        Assert.Equal("2", Assert.Single(root.GetProperty("data").GetProperty("result").EnumerateArray()).GetProperty("value")[1].GetString());
        var lines = Loki.Lines(await server.Loki.GetJsonAsync("loki/api/v1/query" + Loki.Q(("query", "{app=\"i\"}"), ("time", t)), T));
        Assert.Equal(["at time", "inside", "at range start"], lines.Select(l => l.Line));
    }

    [Fact]
    public async Task Limit_over_max_entries_limit_per_query_is_400()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        using var response = await server.Loki.GetAsync("loki/api/v1/query_range" + Loki.Q(("query", "{app=\"x\"}"), ("limit", 6000)), T);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.StartsWith("max entries limit per query exceeded", text, StringComparison.Ordinal);
        Assert.Contains("(6000 > 5000)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("../etc")]
    public async Task Invalid_tenant_ids_are_refused(string tenant)
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        using var response = await server.Loki.PushProtobufAsync(tenant, Loki.Stream("{app=\"x\"}", (Loki.NowNs(), "line")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("tenant ID", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_pushes_are_204()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        using var json = await server.Loki.SendPushAsync(T, Encoding.UTF8.GetBytes("{\"streams\":[]}"), "application/json", false);
        Assert.Equal(HttpStatusCode.NoContent, json.StatusCode);
        using var proto = await server.Loki.PushProtobufAsync(T);
        Assert.Equal(HttpStatusCode.NoContent, proto.StatusCode);
    }

    [Fact]
    public async Task Series_and_labels_accept_post_forms_and_several_matchers()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = Loki.NowNs() - 60 * Second;
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"a\", env=\"x\"}", (t0, "1")), Loki.Stream("{app=\"b\", team=\"y\"}", (t0, "2")), Loki.Stream("{app=\"c\"}", (t0, "3")));
        var form = new List<KeyValuePair<string, string>>
        {
            new("match[]", "{app=\"a\"}"),
            new("match[]", "{team=\"y\"}"),
            new("start", (t0 - Second).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("end", (t0 + Second).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        var series = await server.Loki.GetJsonAsync("loki/api/v1/series", T, form);
        Assert.Equal(2, series.GetProperty("data").GetArrayLength());
        var labels = Loki.Strings(await server.Loki.GetJsonAsync("loki/api/v1/labels", T, form.Skip(2)));
        Assert.Equal(["app", "env", "team"], labels);
        var labelsOfSelector = Loki.Strings(await server.Loki.GetJsonAsync("loki/api/v1/labels" + Loki.Q(("query", "{app=\"b\"}"), ("start", t0 - Second), ("end", t0 + Second)), T));
        Assert.Equal(["app", "team"], labelsOfSelector);
    }

    [Fact]
    public async Task Start_overrides_since()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var now = Loki.NowNs();
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"s\"}", (now - 7200 * Second, "old"), (now - 60 * Second, "new")));
        var lines = await server.Loki.QueryRangeAsync(T, "{app=\"s\"}", now - 3 * 3600 * Second, null, since: "5m");
        Assert.Equal(["new", "old"], lines.Select(l => l.Line));
    }
}
