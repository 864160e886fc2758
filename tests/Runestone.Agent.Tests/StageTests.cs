using Microsoft.Extensions.Time.Testing;
using Runestone.Agent.Pipeline;
using Runestone.Core.Time;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class StageTests
{
    private static long Ns(string rfc3339)
    {
        Assert.True(Pipeline.Stages.CriTime.TryParse(rfc3339, out var ns));
        return ns;
    }

    [Fact]
    public void Cri_parses_the_documented_example()
    {
        var h = new PipelineHarness("- cri: {}");
        h.Push("2019-01-01T01:00:00.000000001Z stderr F my log line");
        var e = h.Single();
        Assert.Equal("my log line", e.Line);
        Assert.Equal("job=test,stream=stderr", PipelineHarness.ShowLabels(e));
        Assert.Equal(1546304400000000001L, e.TimestampNs);
        Assert.Equal("F", e.Extracted["flags"]);
    }

    [Fact]
    public void Cri_joins_partial_lines_per_stream()
    {
        var h = new PipelineHarness("- cri: {}");
        h.Push("2019-01-01T01:00:00.1Z stdout P part one, ");
        h.Push("2019-01-01T01:00:00.2Z stderr F other stream");
        h.Push("2019-01-01T01:00:00.3Z stdout P part two, ");
        Assert.Single(h.Sink.Entries);
        h.Push("2019-01-01T01:00:00.4Z stdout F end");
        Assert.Equal(2, h.Sink.Entries.Count);
        Assert.Equal("other stream", h.Sink.Entries[0].Line);
        Assert.Equal("part one, part two, end", h.Sink.Entries[1].Line);
        Assert.Equal(Ns("2019-01-01T01:00:00.1Z"), h.Sink.Entries[1].TimestampNs);
    }

    [Fact]
    public void Cri_flushes_after_max_partial_lines()
    {
        var h = new PipelineHarness("- cri:\n    max_partial_lines: 2");
        h.Push("2019-01-01T01:00:00Z stdout P a");
        h.Push("2019-01-01T01:00:00Z stdout P b");
        Assert.Equal("ab", h.Single().Line);
    }

    [Fact]
    public void Cri_leaves_other_lines_unchanged()
    {
        var h = new PipelineHarness("- cri: {}");
        h.Push("not a cri line");
        Assert.Equal("not a cri line", h.Single().Line);
    }

    [Fact]
    public void Docker_parses_json_lines()
    {
        var h = new PipelineHarness("- docker: {}");
        h.Push("{\"log\":\"log message\\n\",\"stream\":\"stderr\",\"time\":\"2019-04-30T02:12:41.8443515Z\"}");
        var e = h.Single();
        Assert.Equal("log message\n", e.Line);
        Assert.Equal("stderr", e.Labels["stream"]);
        Assert.Equal(Ns("2019-04-30T02:12:41.8443515Z"), e.TimestampNs);
    }

    [Fact]
    public void Regex_labels_and_timestamp_chain()
    {
        var h = new PipelineHarness("""
            - regex:
                expression: "^(?s)(?P<time>\\S+?) (?P<stream>stdout|stderr) (?P<flags>\\S+?) (?P<content>.*)$"
            - labels:
                stream:
            - timestamp:
                source: time
                format: RFC3339Nano
            - output:
                source: content
            """);
        h.Push("2019-01-01T01:00:00.000000001Z stderr P i'm a log message!");
        var e = h.Single();
        Assert.Equal("i'm a log message!", e.Line);
        Assert.Equal("stderr", e.Labels["stream"]);
        Assert.Equal(1546304400000000001L, e.TimestampNs);
    }

    [Fact]
    public void Regex_with_source_reads_extracted_value()
    {
        var h = new PipelineHarness("""
            - json:
                expressions:
                  time:
            - regex:
                expression: "^(?P<year>\\d+)"
                source: time
            """);
        h.Push("{\"time\":\"2019-01-01T01:00:00.000000001Z\"}");
        Assert.Equal("2019", h.Single().Extracted["year"]);
    }

    [Fact]
    public void Logfmt_maps_keys()
    {
        var h = new PipelineHarness("""
            - logfmt:
                mapping:
                  timestamp: time
                  app:
                  duration:
            """);
        h.Push("time=2012-11-01T22:08:41+00:00 app=loki level=WARN duration=125 message=\"this is a log line\" extra=\"user=foo\"");
        var x = h.Single().Extracted;
        Assert.Equal("2012-11-01T22:08:41+00:00", x["timestamp"]);
        Assert.Equal("loki", x["app"]);
        Assert.Equal("125", x["duration"]);
        Assert.False(x.ContainsKey("level"));
    }

    [Fact]
    public void Static_labels_labeldrop_labelallow()
    {
        var h = new PipelineHarness("""
            - static_labels:
                custom: value
                other: x
            - labeldrop:
                values: [other, kubernetes_pod_id]
            - labelallow:
                values: [custom, job]
            """);
        h.Push("line", "job=a,kubernetes_pod_id=1,app=z");
        Assert.Equal("custom=value,job=a", PipelineHarness.ShowLabels(h.Single()));
    }

    [Theory]
    [InlineData("RFC3339", "2019-01-01T01:00:00+01:00", "2019-01-01T00:00:00Z")]
    [InlineData("RFC3339Nano", "2019-01-01T01:00:00.123456789Z", "2019-01-01T01:00:00.123456789Z")]
    [InlineData("2006-01-02 15:04:05.000", "2021-03-04 05:06:07.890", "2021-03-04T05:06:07.89Z")]
    [InlineData("02/Jan/2006:15:04:05 -0700", "10/Oct/2000:13:55:36 -0700", "2000-10-10T20:55:36Z")]
    [InlineData("Jan _2 15:04:05", "Feb  3 04:05:06", "2024-02-03T04:05:06Z")]
    [InlineData("UnixMs", "1562708916414", "2019-07-09T21:48:36.414Z")]
    [InlineData("Unix", "1562708916.5", "2019-07-09T21:48:36.5Z")]
    [InlineData("UnixNs", "1562708916000000123", "2019-07-09T21:48:36.000000123Z")]
    [InlineData("RFC1123", "Mon, 02 Jan 2006 15:04:05 UTC", "2006-01-02T15:04:05Z")]
    [InlineData("3:04PM Jan 2 2006", "1:05AM Mar 7 2020", "2020-03-07T01:05:00Z")]
    public void Timestamp_formats(string format, string input, string expected)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var h = new PipelineHarness($"- json:\n    expressions: {{t: }}\n- timestamp:\n    source: t\n    format: '{format}'", clock);
        h.Push($"{{\"t\":\"{input}\"}}");
        Assert.Equal(Ns(expected), h.Single().TimestampNs);
    }

    [Fact]
    public void Timestamp_uses_location_and_fallbacks_and_fudges()
    {
        var h = new PipelineHarness("""
            - regex:
                expression: "^(?P<t>[^|]*)\\|"
            - timestamp:
                source: t
                format: "2006-01-02 15:04:05"
                fallback_formats: ["UnixMs"]
                location: "America/New_York"
            """);
        h.Push("2020-07-01 10:00:00|a");
        h.Push("1593612000001|b");
        h.Push("garbage|c", ts: 5);
        var e = h.Sink.Entries;
        Assert.Equal(Ns("2020-07-01T14:00:00Z"), e[0].TimestampNs);
        Assert.Equal(1593612000001L * 1_000_000, e[1].TimestampNs);
        Assert.Equal(e[1].TimestampNs + 1, e[2].TimestampNs);
    }

    [Fact]
    public void Match_runs_nested_stages_only_for_matching_streams()
    {
        var h = new PipelineHarness("""
            - match:
                selector: '{app="loki"} |= "level"'
                stages:
                  - logfmt:
                      mapping:
                        level:
                  - labels:
                      level:
            - match:
                selector: '{app="noisy"}'
                action: drop
                drop_counter_reason: noisy
            """);
        h.Push("level=info msg=x", "app=loki");
        h.Push("msg=nothing here", "app=loki");
        h.Push("level=warn", "app=other");
        h.Push("level=warn", "app=noisy");
        var e = h.Sink.Entries;
        Assert.Equal(3, e.Count);
        Assert.Equal("app=loki,level=info", PipelineHarness.ShowLabels(e[0]));
        Assert.Equal("app=loki", PipelineHarness.ShowLabels(e[1]));
        Assert.Equal("app=other", PipelineHarness.ShowLabels(e[2]));
        Assert.Equal(["noisy"], h.DropReasons);
    }

    [Fact]
    public void Drop_by_expression_value_length_and_age()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var h = new PipelineHarness("""
            - drop:
                expression: ".*debug.*"
            - json:
                expressions: {level: }
            - drop:
                source: level
                value: trace
            - drop:
                longer_than: 20
                drop_counter_reason: too_long
            - drop:
                older_than: 1h
            """, clock);
        var now = UnixNanos.Now(clock);
        h.Push("{\"m\":\"debug stuff\"}", ts: now);
        h.Push("{\"level\":\"trace\"}", ts: now);
        h.Push("{\"level\":\"info\",\"m\":\"this is long\"}", ts: now);
        h.Push("{\"level\":\"x\"}", ts: now - UnixNanos.FromTimeSpan(TimeSpan.FromHours(2)));
        h.Push("{\"level\":\"info\"}", ts: now);
        Assert.Equal("{\"level\":\"info\"}", h.Single().Line);
        Assert.Equal(["drop_stage", "drop_stage", "too_long", "drop_stage"], h.DropReasons);
    }

    [Fact]
    public void Multiline_joins_blocks_and_flushes_after_wait()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var h = new PipelineHarness("""
            - multiline:
                firstline: '^\[\d{4}-\d{2}-\d{2}'
                max_wait_time: 3s
            """, clock);
        h.Push("[2023-01-01 10:00:00] Exception:");
        h.Push("  at Foo()");
        h.Push("  at Bar()");
        h.Push("[2023-01-01 10:00:01] next");
        Assert.Equal("[2023-01-01 10:00:00] Exception:\n  at Foo()\n  at Bar()", h.Single().Line);
        h.Pipeline.Flush(clock.GetUtcNow(), force: false);
        Assert.Single(h.Sink.Entries);
        clock.Advance(TimeSpan.FromSeconds(4));
        h.Pipeline.Flush(clock.GetUtcNow(), force: false);
        Assert.Equal(2, h.Sink.Entries.Count);
        Assert.Equal("[2023-01-01 10:00:01] next", h.Sink.Entries[1].Line);
    }

    [Fact]
    public void Template_replace_and_functions()
    {
        var h = new PipelineHarness("""
            - regex:
                expression: "^(?P<level>\\w+) (?P<msg>.*)$"
            - template:
                source: level
                template: '{{ if eq .Value "WARN" }}{{ Replace .Value "WARN" "warning" -1 }}{{ else }}{{ .Value | ToLower }}{{ end }}'
            - template:
                source: summary
                template: '{{ .level }}: {{ .msg | TrimSpace | ToUpper }}'
            - labels:
                level:
            - replace:
                expression: "password (\\S+)"
                replace: "****"
            """);
        h.Push("WARN login with password hunter2 ok");
        h.Push("INFO fine");
        Assert.Equal("warning", h.Sink.Entries[0].Labels["level"]);
        Assert.Equal("warning: LOGIN WITH PASSWORD HUNTER2 OK", h.Sink.Entries[0].Extracted["summary"]);
        Assert.Equal("WARN login with password **** ok", h.Sink.Entries[0].Line);
        Assert.Equal("info", h.Sink.Entries[1].Labels["level"]);
    }

    [Fact]
    public void Tenant_from_label_source_and_value()
    {
        var h = new PipelineHarness("""
            - json:
                expressions: {customer_id: }
            - tenant:
                source: customer_id
            """);
        h.Push("{\"customer_id\":\"team-a\"}");
        Assert.Equal("team-a", h.Single().Labels[PipelineEntry.TenantLabel]);
    }

    [Fact]
    public void Limit_drops_over_rate_and_refills_with_time()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var h = new PipelineHarness("- limit:\n    rate: 1\n    burst: 2\n    drop: true", clock);
        for (var i = 0; i < 5; i++)
        {
            h.Push("x" + i);
        }

        Assert.Equal(2, h.Sink.Entries.Count);
        clock.Advance(TimeSpan.FromSeconds(1));
        h.Push("later");
        Assert.Equal(3, h.Sink.Entries.Count);
        Assert.Equal(3, h.DropReasons.Count);
    }

    [Fact]
    public void Limit_by_label_has_a_bucket_per_value()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var h = new PipelineHarness("- limit:\n    rate: 1\n    burst: 1\n    drop: true\n    by_label_name: ns", clock);
        h.Push("a", "ns=a");
        h.Push("a", "ns=a");
        h.Push("b", "ns=b");
        Assert.Equal(2, h.Sink.Entries.Count);
    }

    [Fact]
    public void Pack_embeds_labels_in_json()
    {
        var h = new PipelineHarness("- pack:\n    labels: [pod, container]\n    ingest_timestamp: false");
        h.Push("hello \"world\"", "job=j,pod=p1,container=c1");
        var e = h.Single();
        Assert.Equal("{\"container\":\"c1\",\"pod\":\"p1\",\"_entry\":\"hello \\u0022world\\u0022\"}", e.Line);
        Assert.Equal("job=j", PipelineHarness.ShowLabels(e));
    }

    [Fact]
    public void Decolorize_strips_ansi()
    {
        var h = new PipelineHarness("- decolorize: {}");
        h.Push("\u001b[0;32mgreen\u001b[0m plain");
        Assert.Equal("green plain", h.Single().Line);
    }

    [Fact]
    public void Structured_metadata_from_extracted()
    {
        var h = new PipelineHarness("- logfmt:\n    mapping: {trace_id: traceID}\n- structured_metadata:\n    trace_id:");
        h.Push("traceID=abc msg=x");
        var md = Assert.Single(h.Single().StructuredMetadata!);
        Assert.Equal(new Runestone.Core.Labels.LabelPair("trace_id", "abc"), md);
    }

    [Fact]
    public void Metrics_counter_gauge_histogram()
    {
        var h = new PipelineHarness("""
            - regex:
                expression: "^(?P<level>\\w+) took=(?P<took>\\S+)"
            - metrics:
                log_lines_total:
                  type: Counter
                  description: "total lines"
                  config:
                    match_all: true
                    action: inc
                errors_total:
                  type: Counter
                  source: level
                  config:
                    value: error
                    action: inc
                last_took:
                  type: Gauge
                  source: took
                  config:
                    action: set
                took_seconds:
                  type: Histogram
                  source: took
                  config:
                    buckets: [0.1, 1, 10]
            """);
        h.Push("error took=0.5", "job=j");
        h.Push("info took=5", "job=j");
        var m = h.Context.Metrics;
        Assert.Equal(2, m.Get("promtail_custom_log_lines_total", "{job=\"j\"}"));
        Assert.Equal(1, m.Get("promtail_custom_errors_total", "{job=\"j\"}"));
        Assert.Equal(5, m.Get("promtail_custom_last_took", "{job=\"j\"}"));
        var sb = new System.Text.StringBuilder();
        m.WriteText(sb, DateTimeOffset.UtcNow);
        var text = sb.ToString();
        Assert.Contains("promtail_custom_took_seconds_bucket{job=\"j\",le=\"1\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("promtail_custom_took_seconds_count{job=\"j\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE promtail_custom_log_lines_total counter", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- geoip: {db: x}", "geoip")]
    [InlineData("- regex: {expression: '('}", "regex")]
    [InlineData("- nope: {}", "unknown stage type")]
    [InlineData("- regex: {source: x}", "'expression' is required")]
    [InlineData("- match: {selector: '{app='}", "match")]
    public void Invalid_stage_configs_are_rejected_with_a_reason(string yaml, string expected)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PipelineBuilder.BuildFromYaml(yaml, new StageContext()));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
