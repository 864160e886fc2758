using System.Globalization;
using Runestone.LogQL.Engine;
using static Runestone.LogQL.Tests.TestData;

namespace Runestone.LogQL.Tests;

/// <summary>
/// Metric queries over a small data set with hand-computed answers. Windows are (t - range, t]
/// (Loki's range vectors are open on the left), steps run from start to end inclusive.
/// </summary>
public class MetricQueryTests
{
    // {app="a"}: one line per second at 1..10 s, latency i*100ms, size i KB.
    // {app="b"}: lines at 2, 4, 6, 8, 10 s; "level=error" at 4 and 8.
    private static InMemoryStreamSource Source()
    {
        var source = new InMemoryStreamSource();
        source.Add(
            "{app=\"a\", env=\"prod\"}",
            Enumerable.Range(1, 10).Select(i => ((long)i * S, $"level=info latency={i * 100}ms size={i}KB n={i}")).ToArray());
        source.Add(
            "{app=\"b\", env=\"prod\"}",
            Enumerable.Range(1, 5).Select(i => ((long)(2 * i) * S, i % 2 == 0 ? "level=error n=1" : "level=info n=2")).ToArray());
        return source;
    }

    private static string Format(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    private static string[] DescribeMetric(QueryResult result) => result switch
    {
        VectorResult v => v.Samples.Select(s => $"{s.Metric}={Format(s.Value)}").ToArray(),
        MatrixResult m => m.Series.Select(s => $"{s.Metric}: " + string.Join(" ", s.Points.Select(p => $"{Format(p.Value)}@{p.TimestampNs / S}"))).ToArray(),
        ScalarResult s => [$"scalar={Format(s.Value)}@{s.TimestampNs / S}"],
        _ => throw new InvalidOperationException(result.ResultType),
    };

    public static TheoryData<string, string[]> InstantCases => new()
    {
        // metric_queries, "Log range aggregations".
        { "count_over_time({env=\"prod\"}[5s])", ["{app=\"a\", env=\"prod\"}=5", "{app=\"b\", env=\"prod\"}=3"] },
        { "rate({env=\"prod\"}[5s])", ["{app=\"a\", env=\"prod\"}=1", "{app=\"b\", env=\"prod\"}=0.6"] },
        { "count_over_time({app=\"a\"}[5s] offset 5s)", ["{app=\"a\", env=\"prod\"}=5"] },
        { "count_over_time({app=\"a\"}[1h])", ["{app=\"a\", env=\"prod\"}=10"] },
        { "bytes_over_time({app=\"b\"}[10s])", ["{app=\"b\", env=\"prod\"}=72"] },
        { "bytes_rate({app=\"b\"}[10s])", ["{app=\"b\", env=\"prod\"}=7.2"] },
        { "count_over_time({env=\"prod\"} |= \"error\" [10s])", ["{app=\"b\", env=\"prod\"}=2"] },
        { "count_over_time({env=\"prod\"} | logfmt | level=\"error\" | drop n [10s])", ["{app=\"b\", env=\"prod\", level=\"error\"}=2"] },
        { "absent_over_time({app=\"none\", env=~\"p.*\"}[5s])", ["{app=\"none\"}=1"] },
        { "absent_over_time({app=\"a\"}[5s])", [] },
        // Unwrapped range aggregations: app a in (5, 10]: latency 0.6..1.0 s.
        { "sum_over_time({app=\"a\"} | logfmt | keep app, latency | unwrap duration(latency) [5s])", ["{app=\"a\"}=4"] },
        { "rate({app=\"a\"} | logfmt | keep app, latency | unwrap duration(latency) [5s])", ["{app=\"a\"}=0.8"] },
        { "avg_over_time({app=\"a\"} | logfmt | unwrap duration(latency) [5s]) by (app)", ["{app=\"a\"}=0.8"] },
        { "max_over_time({app=\"a\"} | logfmt | unwrap duration_seconds(latency) [5s]) by (app)", ["{app=\"a\"}=1"] },
        { "min_over_time({app=\"a\"} | logfmt | unwrap latency | __error__=\"\" [5s]) by (app)", [] },
        { "min_over_time({app=\"a\"} | logfmt | unwrap n [5s]) by (app)", ["{app=\"a\"}=6"] },
        { "first_over_time({app=\"a\"} | logfmt | unwrap n [5s]) by (app)", ["{app=\"a\"}=6"] },
        { "last_over_time({app=\"a\"} | logfmt | unwrap n [5s]) by (env)", ["{env=\"prod\"}=10"] },
        { "stdvar_over_time({app=\"a\"} | logfmt | unwrap n [5s]) by (app)", ["{app=\"a\"}=2"] },
        { "stddev_over_time({app=\"a\"} | logfmt | unwrap n [5s]) by (app)", ["{app=\"a\"}=1.4142"] },
        { "quantile_over_time(0.5, {app=\"a\"} | logfmt | unwrap n [5s]) by (app)", ["{app=\"a\"}=8"] },
        { "quantile_over_time(0.9, {app=\"a\"} | logfmt | unwrap n [10s]) by (app)", ["{app=\"a\"}=9.1"] },
        { "sum_over_time({app=\"a\"} | logfmt | keep app, size | unwrap bytes(size) [2s])", ["{app=\"a\"}=19000"] },
        { "max_over_time({env=\"prod\"} | logfmt | unwrap n [10s]) by (level)", ["{level=\"error\"}=1", "{level=\"info\"}=10"] },
        // Built-in aggregation operators.
        { "sum(count_over_time({env=\"prod\"}[5s]))", ["{}=8"] },
        // A sum's grouping is applied while extracting samples, so the unique "n" labels never become series.
        { "sum by (level) (count_over_time({env=\"prod\"} | logfmt [10s]))", ["{level=\"error\"}=2", "{level=\"info\"}=13"] },
        { "sum(rate({env=\"prod\"} | logfmt [10s]))", ["{}=1.5"] },
        { "sum without (n, size, latency) (count_over_time({app=\"a\"} | logfmt [10s]))", ["{app=\"a\", env=\"prod\", level=\"info\"}=10"] },
        { "sum by (env) (count_over_time({env=\"prod\"}[5s]))", ["{env=\"prod\"}=8"] },
        { "sum(count_over_time({env=\"prod\"}[5s])) by (app)", ["{app=\"a\"}=5", "{app=\"b\"}=3"] },
        { "sum without (app) (count_over_time({env=\"prod\"}[5s]))", ["{env=\"prod\"}=8"] },
        { "avg(count_over_time({env=\"prod\"}[5s]))", ["{}=4"] },
        { "min(count_over_time({env=\"prod\"}[5s]))", ["{}=3"] },
        { "max(count_over_time({env=\"prod\"}[5s]))", ["{}=5"] },
        { "count(count_over_time({env=\"prod\"}[5s]))", ["{}=2"] },
        { "stddev(count_over_time({env=\"prod\"}[5s]))", ["{}=1"] },
        { "stdvar(count_over_time({env=\"prod\"}[5s]))", ["{}=1"] },
        { "topk(1, count_over_time({env=\"prod\"}[5s]))", ["{app=\"a\", env=\"prod\"}=5"] },
        { "bottomk(1, count_over_time({env=\"prod\"}[5s]))", ["{app=\"b\", env=\"prod\"}=3"] },
        { "topk by (app) (1, count_over_time({env=\"prod\"}[5s]))", ["{app=\"a\", env=\"prod\"}=5", "{app=\"b\", env=\"prod\"}=3"] },
        { "sort(count_over_time({env=\"prod\"}[5s]))", ["{app=\"b\", env=\"prod\"}=3", "{app=\"a\", env=\"prod\"}=5"] },
        { "sort_desc(count_over_time({env=\"prod\"}[5s]))", ["{app=\"a\", env=\"prod\"}=5", "{app=\"b\", env=\"prod\"}=3"] },
        // Binary operators.
        { "count_over_time({env=\"prod\"}[5s]) * 2", ["{app=\"a\", env=\"prod\"}=10", "{app=\"b\", env=\"prod\"}=6"] },
        { "10 - count_over_time({env=\"prod\"}[5s])", ["{app=\"a\", env=\"prod\"}=5", "{app=\"b\", env=\"prod\"}=7"] },
        { "count_over_time({env=\"prod\"}[5s]) > 4", ["{app=\"a\", env=\"prod\"}=5"] },
        { "4 < count_over_time({env=\"prod\"}[5s])", ["{app=\"a\", env=\"prod\"}=5"] },
        { "count_over_time({env=\"prod\"}[5s]) > bool 4", ["{app=\"a\", env=\"prod\"}=1", "{app=\"b\", env=\"prod\"}=0"] },
        { "count_over_time({env=\"prod\"}[5s]) % 2 ^ 2", ["{app=\"a\", env=\"prod\"}=1", "{app=\"b\", env=\"prod\"}=3"] },
        { "count_over_time({env=\"prod\"}[5s]) / 0", ["{app=\"a\", env=\"prod\"}=Infinity", "{app=\"b\", env=\"prod\"}=Infinity"] },
        { "sum(count_over_time({app=\"b\"}[5s])) / sum(count_over_time({app=\"a\"}[5s]))", ["{}=0.6"] },
        { "count_over_time({env=\"prod\"}[5s]) - on (env) group_left sum by (env) (count_over_time({env=\"prod\"}[5s]))", ["{app=\"a\", env=\"prod\"}=-3", "{app=\"b\", env=\"prod\"}=-5"] },
        { "sum by (app) (count_over_time({env=\"prod\"}[5s])) + on (app) sum by (app) (rate({env=\"prod\"}[5s]))", ["{app=\"a\"}=6", "{app=\"b\"}=3.6"] },
        { "count_over_time({env=\"prod\"}[5s]) and count_over_time({app=\"a\"}[5s])", ["{app=\"a\", env=\"prod\"}=5"] },
        { "count_over_time({env=\"prod\"}[5s]) unless count_over_time({app=\"a\"}[5s])", ["{app=\"b\", env=\"prod\"}=3"] },
        { "count_over_time({app=\"none\"}[5s]) or vector(0)", ["{}=0"] },
        { "sum(count_over_time({app=\"a\"}[5s])) or vector(0)", ["{}=5"] },
        { "1 + 2 * 3", ["scalar=7@10"] },
        { "0 / 0", ["scalar=NaN@10"] },
        { "-1 ^ 0.5", ["scalar=NaN@10"] },
        { "5 % 3 + 2 ^ 3 - -1", ["scalar=11@10"] },
        { "max(count_over_time({env=\"prod\"}[5s]) / 0 * 0)", ["{}=NaN"] },
        { "2 > bool 1", ["scalar=1@10"] },
        { "vector(3)", ["{}=3"] },
        { "label_replace(count_over_time({app=\"a\"}[5s]), \"svc\", \"$1-x\", \"app\", \"(.*)\")", ["{app=\"a\", env=\"prod\", svc=\"a-x\"}=5"] },
        { "label_replace(count_over_time({app=\"a\"}[5s]), \"svc\", \"$1\", \"app\", \"z(.*)\")", ["{app=\"a\", env=\"prod\"}=5"] },
    };

    [Theory]
    [MemberData(nameof(InstantCases))]
    public void Instant_queries_evaluate_at_the_query_time(string query, string[] expected)
    {
        var result = Run(Source(), Instant(query, 10 * S));
        Assert.Equal(expected, DescribeMetric(result));
    }

    public static TheoryData<string, long, long, long, string[]> RangeCases => new()
    {
        { "count_over_time({env=\"prod\"}[5s])", 5 * S, 10 * S, 5 * S, ["{app=\"a\", env=\"prod\"}: 5@5 5@10", "{app=\"b\", env=\"prod\"}: 2@5 3@10"] },
        // Overlapping windows: range 4s, step 2s.
        { "count_over_time({app=\"b\"}[4s])", 2 * S, 10 * S, 2 * S, ["{app=\"b\", env=\"prod\"}: 1@2 2@4 2@6 2@8 2@10"] },
        // A step with an empty window has no point; entries after end are outside every window.
        { "count_over_time({app=\"b\"}[1s])", 1 * S, 5 * S, 1 * S, ["{app=\"b\", env=\"prod\"}: 1@2 1@4"] },
        { "sum(rate({env=\"prod\"}[5s]))", 5 * S, 10 * S, 5 * S, ["{}: 1.4@5 1.6@10"] },
        { "vector(1)", 0, 2 * S, 1 * S, ["{}: 1@0 1@1 1@2"] },
        { "1 + 1", 0, 2 * S, 1 * S, ["{}: 2@0 2@1 2@2"] },
        { "topk(1, count_over_time({env=\"prod\"}[2s]))", 2 * S, 4 * S, 2 * S, ["{app=\"a\", env=\"prod\"}: 2@2 2@4"] },
        { "count_over_time({app=\"none\"}[5s])", 0, 10 * S, S, [] },
        { "absent_over_time({app=\"b\"}[1s])", 1 * S, 4 * S, S, ["{app=\"b\"}: 1@1 1@3"] },
        // rate_counter treats the unwrapped value as a counter: n of app a grows by 1 per second.
        { "rate_counter({app=\"a\"} | logfmt | keep app, n | unwrap n [4s])", 6 * S, 10 * S, 4 * S, ["{app=\"a\"}: 1@6 1@10"] },
    };

    [Theory]
    [MemberData(nameof(RangeCases))]
    public void Range_queries_evaluate_every_step(string query, long start, long end, long step, string[] expected)
    {
        var result = Run(Source(), Range(query, start, end, step));
        Assert.Equal(expected, DescribeMetric(result));
    }

    [Theory]
    [InlineData("sum by (request_method) (count_over_time({app=\"j\"} | json [10s]))", new[] { "{request_method=\"GET\"}=2", "{request_method=\"POST\"}=1" })]
    [InlineData("sum by (response_status) (count_over_time({app=\"j\"} | json | response_status >= 500 [10s]))", new[] { "{response_status=\"503\"}=1" })]
    [InlineData("sum by (app_extracted) (count_over_time({app=\"j\"} | json [10s]))", new[] { "{app_extracted=\"x\"}=3" })]
    [InlineData("max by (request_method) (max_over_time({app=\"j\"} | json | unwrap response_status [10s]) by (request_method))", new[] { "{request_method=\"GET\"}=503", "{request_method=\"POST\"}=200" })]
    public void Grouped_json_metrics_extract_only_the_labels_they_use(string query, string[] expected)
    {
        var source = new InMemoryStreamSource().Add(
            "{app=\"j\"}",
            (1 * S, "{\"app\":\"x\",\"request\":{\"method\":\"GET\",\"id\":1},\"response\":{\"status\":200},\"other\":{\"deep\":{\"x\":1}}}"),
            (2 * S, "{\"app\":\"x\",\"request\":{\"method\":\"GET\",\"id\":2},\"response\":{\"status\":503},\"other\":{\"deep\":{\"x\":2}}}"),
            (3 * S, "{\"app\":\"x\",\"request\":{\"method\":\"POST\",\"id\":3},\"response\":{\"status\":200},\"other\":[1,2]}"));
        Assert.Equal(expected, DescribeMetric(Run(source, Instant(query, 10 * S))));
    }

    // Loki's parser hints: once every label the query uses is extracted, json and logfmt stop
    // reading the line (errFoundAllLabels), so what follows those keys is neither parsed nor checked.
    [Theory]
    [InlineData("sum by (status) (count_over_time({app=\"h\"} | json [10s]))", new[] { "{status=\"500\"}=2" })]
    [InlineData("sum by (status) (count_over_time({app=\"h\"} | json | status >= 500 [10s]))", new[] { "{status=\"500\"}=2" })]
    [InlineData("sum by (status, __error__) (count_over_time({app=\"h\"} | json [10s]))", new[] { "{status=\"500\"}=2" })]
    [InlineData("sum by (nested_code) (count_over_time({app=\"h\"} | json [10s]))", new[] { "{nested_code=\"7\"}=2" })]
    public void Json_stops_reading_once_the_hinted_labels_are_extracted(string query, string[] expected)
    {
        var source = new InMemoryStreamSource().Add(
            "{app=\"h\"}",
            (1 * S, "{\"nested\":{\"code\":7},\"status\":500,\"status\":200,\"rest\":"),
            (2 * S, "{\"nested\":{\"code\":7},\"status\":\"500\",\"tail\": [1, 2"));
        Assert.Equal(expected, DescribeMetric(Run(source, Instant(query, 10 * S))));
    }

    [Theory]
    [InlineData("sum by (b) (count_over_time({app=\"h\"} | logfmt [10s]))", new[] { "{b=\"2\"}=1" })]
    [InlineData("sum by (b) (count_over_time({app=\"h\"} | logfmt a, b [10s]))", new[] { "{b=\"2\"}=1" })]
    [InlineData("sum by (b) (count_over_time({app=\"h\"} | logfmt --strict [10s]))", new[] { "{b=\"2\"}=1" })]
    public void Logfmt_stops_reading_once_the_hinted_labels_are_extracted(string query, string[] expected)
    {
        var source = new InMemoryStreamSource().Add("{app=\"h\"}", (1 * S, "a=1 b=2 c=x=y"));
        Assert.Equal(expected, DescribeMetric(Run(source, Instant(query, 10 * S))));
    }

    // Pattern captures the query does not use are not made labels (Loki's ShouldExtract); the
    // counts and groups are what extracting everything would give.
    [Theory]
    [InlineData("sum by (method) (count_over_time({app=\"n\"} | pattern \"<ip> <method> <path> <status>\" | status >= 500 [10s]))", new[] { "{method=\"GET\"}=1", "{method=\"POST\"}=1" })]
    [InlineData("sum by (ip_extracted) (count_over_time({app=\"n\"} | pattern \"<ip> <_> <_> <_>\" [10s]))", new[] { "{ip_extracted=\"10.0.0.1\"}=2", "{ip_extracted=\"10.0.0.2\"}=1" })]
    [InlineData("sum(count_over_time({app=\"n\"} | pattern \"<ip> <method> <path> <status>\" [10s]))", new[] { "{}=3" })]
    [InlineData("sum by (path) (count_over_time({app=\"n\"} | pattern \"<_> <_> <path> <_>\" | path != \"/b\" [10s]))", new[] { "{path=\"/a\"}=2" })]
    public void Pattern_extracts_only_the_captures_the_query_uses(string query, string[] expected)
    {
        var source = new InMemoryStreamSource().Add(
            "{app=\"n\", ip=\"stream\"}",
            (1 * S, "10.0.0.1 GET /a 503"),
            (2 * S, "10.0.0.1 POST /a 500"),
            (3 * S, "10.0.0.2 GET /b 200"));
        Assert.Equal(expected, DescribeMetric(Run(source, Instant(query, 10 * S))));
    }

    // A hinted label the stream already has (level here) is not awaited from the line, and the
    // line's own level (renamed level_extracted) does not count for status, which is still read.
    [Theory]
    [InlineData("sum by (level, status) (count_over_time({f=\"logfmt\"} | logfmt --strict [10s]))", new[] { "{level=\"info\", status=\"500\"}=1" })]
    [InlineData("sum by (level, status) (count_over_time({f=\"json\"} | json [10s]))", new[] { "{level=\"info\", status=\"503\"}=1" })]
    [InlineData("sum by (app) (count_over_time({f=\"logfmt\"} | logfmt --strict | status=\"500\" [10s]))", new[] { "{app=\"h\"}=1" })]
    public void Hinted_stream_labels_are_not_awaited_from_the_line(string query, string[] expected)
    {
        var source = new InMemoryStreamSource()
            .Add("{app=\"h\", f=\"logfmt\", level=\"info\"}", (1 * S, "level=warn status=500 c=x=y"))
            .Add("{app=\"h\", f=\"json\", level=\"info\"}", (2 * S, "{\"level\":\"warn\",\"status\":503,\"tail\":"));
        Assert.Equal(expected, DescribeMetric(Run(source, Instant(query, 10 * S))));
    }

    [Fact]
    public void Range_query_over_the_points_limit_is_rejected()
    {
        var e = Assert.Throws<QueryException>(() => Run(Source(), Range("count_over_time({app=\"a\"}[1m])", 0, 20000 * S, S)));
        Assert.Equal("exceeded maximum resolution of 11000 points per timeseries. Try decreasing the query resolution (?step=XX)", e.Message);
    }

    [Fact]
    public void Too_many_series_are_rejected_with_the_limit_named()
    {
        var options = new QueryEngineOptions { MaxQuerySeries = 1 };
        var e = Assert.Throws<QueryException>(() => Run(Source(), Instant("count_over_time({env=\"prod\"}[5s])", 10 * S), options));
        Assert.StartsWith("maximum of series (1) reached for a single query", e.Message);
        Assert.Contains("max_query_series", e.Message);
    }

    [Fact]
    public void Pipeline_errors_fail_metric_queries_with_a_hint()
    {
        var e = Assert.Throws<QueryException>(() => Run(Source(), Instant("count_over_time({app=\"a\"} | json [5s])", 10 * S)));
        Assert.StartsWith("pipeline error: 'JSONParserErr' for series:", e.Message);
        Assert.Contains("__error__=\"\"", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Errors_skipped_with_a_label_filter_are_not_counted()
    {
        var result = Run(Source(), Instant("count_over_time({app=\"a\"} | json | __error__=\"\" [5s])", 10 * S));
        Assert.Empty(Assert.IsType<VectorResult>(result).Samples);
    }

    [Fact]
    public void Zero_step_range_query_is_rejected()
    {
        var e = Assert.Throws<QueryException>(() => Run(Source(), Range("count_over_time({app=\"a\"}[1m])", 0, 10 * S, 0)));
        Assert.Contains("step", e.Message);
    }

    [Fact]
    public void Range_aggregation_reads_only_the_windows_of_the_query()
    {
        var source = Source();
        Run(source, Range("count_over_time({app=\"a\"}[5s] offset 1s)", 10 * S, 20 * S, 5 * S));
        Assert.Equal(4 * S + 1, source.LastRequest!.StartNs);
        Assert.Equal(19 * S + 1, source.LastRequest.EndNs);
    }
}
