using Runestone.Core.Labels;
using static Runestone.LogQL.Tests.TestData;

namespace Runestone.LogQL.Tests;

/// <summary>One entry of stream {app="a"} through a pipeline; expected "labels: line" or null when dropped.</summary>
public class PipelineTests
{
    private static string? RunOne(string pipeline, string line)
    {
        var source = new InMemoryStreamSource().Add("{app=\"a\"}", (1 * S, line));
        var result = Describe(Run(source, LogQuery("{app=\"a\"} " + pipeline, 0, 10 * S)));
        return result.Length == 0 ? null : Assert.Single(result)[..^2]; // drop the "@1" timestamp
    }

    [Theory]
    // log_queries, "JSON": nested objects flattened with "_", arrays skipped, names sanitised.
    [InlineData("| json", "{\"protocol\":\"HTTP/2.0\",\"servers\":[\"129.0.1.1\"],\"request\":{\"method\":\"GET\",\"headers\":{\"User-Agent\":\"curl/7.68.0\"}},\"response\":{\"status\":401}}",
        "{app=\"a\", protocol=\"HTTP/2.0\", request_headers_User_Agent=\"curl/7.68.0\", request_method=\"GET\", response_status=\"401\"}")]
    [InlineData("| json", "{\"app\":\"x\",\"ok\":true,\"n\":1.5e3,\"esc\":\"a\\\"b\\u00e9\"}", "{app=\"a\", app_extracted=\"x\", esc=\"a\\\"b\u00e9\", n=\"1.5e3\", ok=\"true\"}")]
    [InlineData("| json", "not json", "{__error__=\"JSONParserErr\", __error_details__=")]
    [InlineData("| json | __error__=\"\"", "not json", null)]
    [InlineData("| json | __error__!=\"\" | drop __error__, __error_details__", "not json", "{app=\"a\"}")]
    [InlineData("| json first_server=\"servers[0]\", ua=\"request.headers[\\\"User-Agent\\\"]\", list=\"servers\"",
        "{\"servers\":[\"129.0.1.1\",\"10.2.1.3\"],\"request\":{\"headers\":{\"User-Agent\":\"curl/7.68.0\"}}}",
        "{app=\"a\", first_server=\"129.0.1.1\", list=\"[\\\"129.0.1.1\\\",\\\"10.2.1.3\\\"]\", ua=\"curl/7.68.0\"}")]
    [InlineData("| json servers", "{\"servers\":[1,2]}", "{app=\"a\", servers=\"[1,2]\"}")]
    // log_queries, "logfmt".
    [InlineData("| logfmt", "at=info method=GET path=/ host=grafana.net fwd=\"124.133.124.161\" service=8ms status=200",
        "{app=\"a\", at=\"info\", fwd=\"124.133.124.161\", host=\"grafana.net\", method=\"GET\", path=\"/\", service=\"8ms\", status=\"200\"}")]
    [InlineData("| logfmt host, fwd_ip=\"fwd\"", "at=info host=grafana.net fwd=\"124.133.124.161\"", "{app=\"a\", fwd_ip=\"124.133.124.161\", host=\"grafana.net\"}")]
    [InlineData("| logfmt", "a=1 foo=bar=buzz b=\"x \\\"y\\\"\" standalone", "{a=\"1\", app=\"a\", b=\"x \\\"y\\\"\"}")]
    [InlineData("| logfmt --keep-empty", "a=1 standalone", "{a=\"1\", app=\"a\", standalone=\"\"}")]
    [InlineData("| logfmt --strict", "a=1 foo=bar=buzz b=2", "{__error__=\"LogfmtParserErr\", __error_details__=")]
    [InlineData("| logfmt | app_extracted=\"x\"", "app=x", "{app=\"a\", app_extracted=\"x\"}")]
    // log_queries, "Regular expression".
    [InlineData("| regexp \"(?P<method>\\\\w+) (?P<path>[\\\\w|/]+) \\\\((?P<status>\\\\d+?)\\\\) (?P<duration>.*)\"", "POST /api/prom/api/v1/query_range (200) 1.5s",
        "{app=\"a\", duration=\"1.5s\", method=\"POST\", path=\"/api/prom/api/v1/query_range\", status=\"200\"}")]
    [InlineData("| regexp \"(?P<x>z+)\"", "no match", "{app=\"a\"}")]
    // log_queries, "Pattern".
    [InlineData("| pattern `<ip> - - <_> \"<method> <uri> <_>\" <status> <size> <_> \"<agent>\" <_>`",
        "0.191.12.2 - - [10/Jun/2021:09:14:29 +0000] \"GET /api/plugins/versioncheck HTTP/1.1\" 200 2 \"-\" \"Go-http-client/2.0\" \"13.76.247.102, 34.120.177.193\" \"TLSv1.2\" \"US\" \"\"",
        "{agent=\"Go-http-client/2.0\", app=\"a\", ip=\"0.191.12.2\", method=\"GET\", size=\"2\", status=\"200\", uri=\"/api/plugins/versioncheck\"}")]
    [InlineData("| pattern `<_> msg=\"<method> <path> (<status>) <latency>\"`",
        "level=debug ts=2021-06-10T09:24:13.472094048Z caller=logging.go:66 traceID=0568b66ad2d9294c msg=\"POST /loki/api/v1/push (204) 16.652862ms\"",
        "{app=\"a\", latency=\"16.652862ms\", method=\"POST\", path=\"/loki/api/v1/push\", status=\"204\"}")]
    // log_queries, "unpack".
    [InlineData("| unpack", "{\"container\":\"myapp\",\"pod\":\"pod-3223f\",\"_entry\":\"original log message\"}", "{app=\"a\", container=\"myapp\", pod=\"pod-3223f\"}: original log message")]
    // Label filters.
    [InlineData("| logfmt | status >= 500", "status=503", "{app=\"a\", status=\"503\"}")]
    [InlineData("| logfmt | status >= 500", "status=200", null)]
    [InlineData("| logfmt | status >= 500", "other=1", null)]
    [InlineData("| logfmt | status != 500", "other=1", "{app=\"a\", other=\"1\"}")]
    [InlineData("| logfmt | status > 5", "status=abc", "{__error__=\"LabelFilterErr\", __error_details__=\"strconv.ParseFloat: parsing \\\"abc\\\": invalid syntax\", app=\"a\", status=\"abc\"}")]
    [InlineData("| logfmt | duration > 1m30s", "duration=2m", "{app=\"a\", duration=\"2m\"}")]
    [InlineData("| logfmt | duration > 1m30s", "duration=90s", null)]
    [InlineData("| logfmt | duration >= 250ms", "duration=0.25s", "{app=\"a\", duration=\"0.25s\"}")]
    [InlineData("| logfmt | size > 20KB", "size=20.5KB", "{app=\"a\", size=\"20.5KB\"}")]
    [InlineData("| logfmt | size > 20KB", "size=1KiB", null)]
    [InlineData("| logfmt | size == 1MiB", "size=1048576", "{app=\"a\", size=\"1048576\"}")]
    [InlineData("| logfmt | method=\"GET\" and status=200", "method=GET status=200", "{app=\"a\", method=\"GET\", status=\"200\"}")]
    [InlineData("| logfmt | method=\"POST\" or status=200", "method=GET status=200", "{app=\"a\", method=\"GET\", status=\"200\"}")]
    [InlineData("| logfmt | method=~\"P.*\", status=200", "method=GET status=200", null)]
    [InlineData("| logfmt | method!~\"P.*\" status=200", "method=GET status=200", "{app=\"a\", method=\"GET\", status=\"200\"}")]
    [InlineData("| logfmt | addr = ip(\"10.0.0.0/8\")", "addr=10.1.2.3", "{addr=\"10.1.2.3\", app=\"a\"}")]
    [InlineData("| logfmt | addr != ip(\"10.0.0.0/8\")", "addr=10.1.2.3", null)]
    [InlineData("| logfmt | drop level, method=\"GET\"", "level=info method=GET path=/", "{app=\"a\", path=\"/\"}")]
    [InlineData("| logfmt | drop method=\"POST\"", "method=GET", "{app=\"a\", method=\"GET\"}")]
    [InlineData("| logfmt | keep level, method=\"GET\"", "level=info method=POST path=/", "{level=\"info\"}")]
    [InlineData("| logfmt | keep app", "level=info", "{app=\"a\"}")]
    [InlineData("| decolorize", "\u001b[31mred\u001b[0m plain", "{app=\"a\"}: red plain")]
    [InlineData("| logfmt |= \"b=2\"", "a=1 b=2", "{a=\"1\", app=\"a\", b=\"2\"}")]
    [InlineData("| logfmt != \"b=2\"", "a=1 b=2", null)]
    public void Runs_pipeline_stages(string pipeline, string line, string? expected)
    {
        var actual = RunOne(pipeline, line);
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        if (!expected.Contains("}: ", StringComparison.Ordinal) && expected.EndsWith('}'))
        {
            expected += ": " + line;
        }

        Assert.StartsWith(expected, actual);
    }

    [Fact]
    public void Structured_metadata_is_usable_like_labels_and_returned_with_entries()
    {
        var source = new InMemoryStreamSource().AddWithMetadata(
            "{app=\"a\"}",
            (1 * S, "one", [new LabelPair("trace_id", "t1")]),
            (2 * S, "two", [new LabelPair("trace_id", "t2")]));
        var result = Run(source, LogQuery("{app=\"a\"} | trace_id=\"t2\"", 0, 10 * S));
        Assert.Equal(["{app=\"a\", trace_id=\"t2\"}: two@2"], Describe(result));
        var entry = Assert.Single(Assert.Single(Assert.IsType<Engine.StreamsResult>(result).Streams).Entries);
        Assert.Equal([new LabelPair("trace_id", "t2")], entry.StructuredMetadata!);
    }

    // The logfmt stage remembers the key seen at each position of earlier lines; lines whose
    // keys move around must still get their own labels.
    [Fact]
    public void Logfmt_keys_in_changing_order_get_their_own_labels()
    {
        var source = new InMemoryStreamSource().Add(
            "{app=\"a\"}",
            (1 * S, "a=1 b=2"),
            (2 * S, "b=3 a=4"),
            (3 * S, "a=5 c=6 b=7"),
            (4 * S, "aa=8 b=9"));
        var result = Describe(Run(source, LogQuery("{app=\"a\"} | logfmt", 0, 10 * S, direction: Runestone.Core.Logs.Direction.Forward)));
        Assert.Equal(
            [
                "{a=\"1\", app=\"a\", b=\"2\"}: a=1 b=2@1",
                "{a=\"4\", app=\"a\", b=\"3\"}: b=3 a=4@2",
                "{a=\"5\", app=\"a\", b=\"7\", c=\"6\"}: a=5 c=6 b=7@3",
                "{aa=\"8\", app=\"a\", b=\"9\"}: aa=8 b=9@4",
            ],
            result);
    }
}
