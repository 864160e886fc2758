using System.Globalization;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>Loki's read semantics: range edges, direction, limit, since, time formats, line filters, regex anchoring.</summary>
public sealed class QuerySemanticsTests
{
    private const string T = "tenant-q";
    private const long Second = 1_000_000_000L;

    [Fact]
    public async Task Start_is_inclusive_end_is_exclusive()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = AlignedNow() - 600 * Second;
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"edge\"}", (t0, "at start"), (t0 + Second, "inside"), (t0 + 2 * Second, "at end"), (t0 + 2 * Second + 1, "after end")));

        var lines = await server.Loki.QueryRangeAsync(T, "{app=\"edge\"}", t0, t0 + 2 * Second, direction: "forward");
        Assert.Equal(["at start", "inside"], lines.Select(l => l.Line));
        lines = await server.Loki.QueryRangeAsync(T, "{app=\"edge\"}", t0 + 1, t0 + 2 * Second + 1, direction: "forward");
        Assert.Equal(["inside", "at end"], lines.Select(l => l.Line));
        Assert.Empty(await server.Loki.QueryRangeAsync(T, "{app=\"edge\"}", t0 + 1, t0 + Second));
    }

    [Fact]
    public async Task Direction_orders_entries_backward_by_default_and_limit_keeps_the_nearest_end()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = AlignedNow() - 600 * Second;
        // Pushed out of order on purpose.
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"dir\"}", (t0 + 3 * Second, "3"), (t0 + 1 * Second, "1"), (t0 + 5 * Second, "5")));
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"dir\"}", (t0 + 2 * Second, "2"), (t0 + 4 * Second, "4")));
        var end = t0 + 60 * Second;

        Assert.Equal(["5", "4", "3", "2", "1"], (await server.Loki.QueryRangeAsync(T, "{app=\"dir\"}", t0, end)).Select(l => l.Line));
        Assert.Equal(["5", "4", "3", "2", "1"], (await server.Loki.QueryRangeAsync(T, "{app=\"dir\"}", t0, end, direction: "backward")).Select(l => l.Line));
        Assert.Equal(["1", "2", "3", "4", "5"], (await server.Loki.QueryRangeAsync(T, "{app=\"dir\"}", t0, end, direction: "forward")).Select(l => l.Line));
        Assert.Equal(["5", "4"], (await server.Loki.QueryRangeAsync(T, "{app=\"dir\"}", t0, end, limit: 2)).Select(l => l.Line));
        Assert.Equal(["1", "2"], (await server.Loki.QueryRangeAsync(T, "{app=\"dir\"}", t0, end, limit: 2, direction: "forward")).Select(l => l.Line));

        // The limit counts entries across streams.
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"dir\", other=\"yes\"}", (t0 + 6 * Second, "6")));
        var two = await server.Loki.QueryRangeAsync(T, "{app=\"dir\"}", t0, end, limit: 2);
        Assert.Equal(["5", "6"], two.Select(l => l.Line).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Since_is_relative_to_end_and_defaults_to_one_hour()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var now = AlignedNow();
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"since\"}", (now - 7200 * Second, "two hours ago"), (now - 1800 * Second, "half an hour ago"), (now - 60 * Second, "a minute ago")));

        Assert.Equal(["a minute ago", "half an hour ago"], (await server.Loki.QueryRangeAsync(T, "{app=\"since\"}", null, null)).Select(l => l.Line));
        Assert.Equal(["a minute ago"], (await server.Loki.QueryRangeAsync(T, "{app=\"since\"}", null, null, since: "5m")).Select(l => l.Line));
        Assert.Equal(["a minute ago", "half an hour ago", "two hours ago"], (await server.Loki.QueryRangeAsync(T, "{app=\"since\"}", null, null, since: "3h")).Select(l => l.Line));
        Assert.Equal(["half an hour ago"], (await server.Loki.QueryRangeAsync(T, "{app=\"since\"}", null, now - 1000 * Second, since: "1h")).Select(l => l.Line));
    }

    [Fact]
    public async Task Times_are_accepted_as_rfc3339_unix_seconds_and_unix_nanoseconds()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = AlignedNow() - 600 * Second;
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"time\"}", (t0 - Second, "before"), (t0 + Second / 2, "half"), (t0 + 2 * Second, "two"), (t0 + 10 * Second, "ten")));

        static string Rfc(long ns) => DateTimeOffset.FromUnixTimeMilliseconds(ns / 1_000_000).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var seconds = (t0 / Second).ToString(CultureInfo.InvariantCulture);
        var endSeconds = ((t0 / Second) + 5).ToString(CultureInfo.InvariantCulture);
        string[] expected = ["half", "two"];

        Assert.Equal(expected, (await server.Loki.QueryRangeAsync(T, "{app=\"time\"}", t0, t0 + 5 * Second, direction: "forward")).Select(l => l.Line));
        Assert.Equal(expected, (await server.Loki.QueryRangeAsync(T, "{app=\"time\"}", seconds, endSeconds, direction: "forward")).Select(l => l.Line));
        Assert.Equal(expected, (await server.Loki.QueryRangeAsync(T, "{app=\"time\"}", Rfc(t0), Rfc(t0 + 5 * Second), direction: "forward")).Select(l => l.Line));
        var rfcOffset = DateTimeOffset.FromUnixTimeSeconds(t0 / Second).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        Assert.Equal(expected, (await server.Loki.QueryRangeAsync(T, "{app=\"time\"}", rfcOffset, endSeconds, direction: "forward")).Select(l => l.Line));
        Assert.Equal(["two"], (await server.Loki.QueryRangeAsync(T, "{app=\"time\"}", (t0 + Second / 2 + 1).ToString(CultureInfo.InvariantCulture), endSeconds)).Select(l => l.Line));

        using var bad = await server.Loki.GetAsync("loki/api/v1/query_range" + Loki.Q(("query", "{app=\"time\"}"), ("start", "yesterday")), T);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("start", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Line_filters_chain()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = AlignedNow() - 600 * Second;
        await server.Loki.PushOkAsync(T, Loki.Stream("{app=\"web\"}",
            (t0 + 1, "GET /api 200"),
            (t0 + 2, "GET /api 500 error"),
            (t0 + 3, "POST /login 500 error timeout"),
            (t0 + 4, "GET /health 200"),
            (t0 + 5, "PUT /api 404")));

        async Task<string[]> Run(string pipeline) =>
            [.. (await server.Loki.QueryRangeAsync(T, "{app=\"web\"}" + pipeline, t0, t0 + Second, direction: "forward")).Select(l => l.Line)];

        Assert.Equal(["GET /api 500 error", "POST /login 500 error timeout"], await Run(" |= \"error\""));
        Assert.Equal(["GET /api 500 error"], await Run(" |= \"error\" != \"timeout\""));
        Assert.Equal(["GET /api 500 error", "POST /login 500 error timeout"], await Run(" |~ \"5\\\\d\\\\d\""));
        Assert.Equal(["POST /login 500 error timeout", "PUT /api 404"], await Run(" !~ \"GET.*\""));
        Assert.Equal(["GET /api 200"], await Run(" |= \"GET\" |~ \"/api\" !~ \"5..\""));
        Assert.Equal(["GET /api 200", "GET /health 200", "PUT /api 404"], await Run(" != \"error\""));
        Assert.Equal(["PUT /api 404"], await Run(" != \"error\" !~ \"^GET\" |= \"404\""));
        Assert.Empty(await Run(" |= \"nothing like this\""));
    }

    [Fact]
    public async Task Regex_selectors_are_fully_anchored()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = AlignedNow() - 600 * Second;
        await server.Loki.PushOkAsync(T,
            Loki.Stream("{app=\"api\"}", (t0 + 1, "api")),
            Loki.Stream("{app=\"ap\"}", (t0 + 2, "ap")),
            Loki.Stream("{app=\"zapi\"}", (t0 + 3, "zapi")));

        async Task<string[]> Run(string selector) =>
            [.. (await server.Loki.QueryRangeAsync(T, selector, t0, t0 + Second)).Select(l => l.Line).Order(StringComparer.Ordinal)];

        Assert.Equal(["ap"], await Run("{app=~\"ap\"}"));
        Assert.Equal(["api", "zapi"], await Run("{app=~\".+\", app!~\"ap\"}"));
        Assert.Equal(["ap", "api"], await Run("{app=~\"api|ap\"}"));
        Assert.Equal(["api", "zapi"], await Run("{app=~\".*pi\"}"));
        Assert.Equal(["zapi"], await Run("{app=~\"z.*\"}"));
        Assert.Equal(["ap", "zapi"], await Run("{app=~\".+\", app!=\"api\"}"));
        Assert.Empty(await Run("{app=~\"pi\"}"));
    }

    /// <summary>Now, rounded down to a whole second, so that second-based time formats hit entries exactly.</summary>
    private static long AlignedNow() => Loki.NowNs() / Second * Second;
}
