using Runestone.LogQL.Syntax;
using MatchType = Runestone.Core.Labels.MatchType;

namespace Runestone.LogQL.Tests;

public class ParserTests
{
    [Theory]
    [InlineData("{app=\"foo\"}", "{app=\"foo\"}")]
    [InlineData("{ app = \"foo\" , env =~ \"prod|dev\" }", "{app=\"foo\", env=~\"prod|dev\"}")]
    [InlineData("{app=\"a\", b!~`x.+`}", "{app=\"a\", b!~\"x.+\"}")]
    [InlineData("{app=\"foo\"} |= \"error\" != \"timeout\"", "{app=\"foo\"} |= \"error\" != \"timeout\"")]
    [InlineData("{app=\"foo\"} |~ `error=\\w+`", "{app=\"foo\"} |~ \"error=\\\\w+\"")]
    [InlineData("{app=\"foo\"} !~ \"(?i)debug\"", "{app=\"foo\"} !~ \"(?i)debug\"")]
    [InlineData("{app=\"foo\"} |= \"a\" or \"b\"", "{app=\"foo\"} |= \"a\" or \"b\"")]
    [InlineData("{app=\"foo\"} |> \"<_> error <_>\"", "{app=\"foo\"} |> \"<_> error <_>\"")]
    [InlineData("{app=\"foo\"} |= ip(\"10.0.0.0/8\")", "{app=\"foo\"} |= ip(\"10.0.0.0/8\")")]
    [InlineData("{app=\"foo\"} |= \"tab\\there\\u00e9\\x41\"", "{app=\"foo\"} |= \"tab\\there\u00e9A\"")]
    [InlineData("{app=\"foo\"} # a comment\n |= \"x\"", "{app=\"foo\"} |= \"x\"")]
    [InlineData("{container=\"query-frontend\",namespace=\"loki-dev\"} |= \"metrics.go\" | logfmt | duration > 10s and throughput_mb < 500",
        "{container=\"query-frontend\", namespace=\"loki-dev\"} |= \"metrics.go\" | logfmt | duration>10s and throughput_mb<500")]
    [InlineData("{app=\"a\"} | json | status >= 500", "{app=\"a\"} | json | status>=500")]
    [InlineData("{app=\"a\"} | json first_server=\"servers[0]\", ua=\"request.headers[\\\"User-Agent\\\"]\"",
        "{app=\"a\"} | json first_server=\"servers[0]\",ua=\"request.headers[\\\"User-Agent\\\"]\"")]
    [InlineData("{app=\"a\"} | json servers", "{app=\"a\"} | json servers=\"servers\"")]
    [InlineData("{app=\"a\"} | logfmt --strict --keep-empty host, fwd_ip=\"fwd\"", "{app=\"a\"} | logfmt --strict --keep-empty host=\"host\",fwd_ip=\"fwd\"")]
    [InlineData("{app=\"a\"} | regexp \"(?P<method>\\\\w+) (?P<path>[\\\\w|/]+)\"", "{app=\"a\"} | regexp \"(?P<method>\\\\w+) (?P<path>[\\\\w|/]+)\"")]
    [InlineData("{app=\"a\"} | pattern `<ip> - - <_> \"<method> <uri> <_>\" <status>`", "{app=\"a\"} | pattern \"<ip> - - <_> \\\"<method> <uri> <_>\\\" <status>\"")]
    [InlineData("{app=\"a\"} | unpack", "{app=\"a\"} | unpack")]
    [InlineData("{app=\"a\"} | line_format \"{{.query}} {{.duration}}\"", "{app=\"a\"} | line_format \"{{.query}} {{.duration}}\"")]
    [InlineData("{app=\"a\"} | label_format dst=src, b=\"{{.x}}\"", "{app=\"a\"} | label_format dst=src,b=\"{{.x}}\"")]
    [InlineData("{app=\"a\"} | drop level, method=\"GET\"", "{app=\"a\"} | drop level, method=\"GET\"")]
    [InlineData("{app=\"a\"} | keep level, app=~\"some-api.*\"", "{app=\"a\"} | keep level, app=~\"some-api.*\"")]
    [InlineData("{app=\"a\"} | decolorize", "{app=\"a\"} | decolorize")]
    // Label filter chaining: "and" as a comma, a space or another pipe; strictly left to right (log_queries, "Label filter expression").
    [InlineData("{a=\"b\"} | duration >= 20ms or size == 20KB and method!~\"2..\"", "{a=\"b\"} | (duration>=20ms or size==20KB) and method!~\"2..\"")]
    [InlineData("{a=\"b\"} | duration >= 20ms or size == 20KB , method!~\"2..\"", "{a=\"b\"} | (duration>=20ms or size==20KB) and method!~\"2..\"")]
    [InlineData("{a=\"b\"} | duration >= 20ms or size == 20KB  method!~\"2..\"", "{a=\"b\"} | (duration>=20ms or size==20KB) and method!~\"2..\"")]
    [InlineData("{a=\"b\"} | duration >= 20ms or (method=\"GET\" and size <= 20KB)", "{a=\"b\"} | duration>=20ms or (method=\"GET\" and size<=20KB)")]
    [InlineData("{a=\"b\"} | x = -1.5", "{a=\"b\"} | x==-1.5")]
    [InlineData("{a=\"b\"} | addr = ip(\"192.168.4.5-192.168.4.20\")", "{a=\"b\"} | addr=ip(\"192.168.4.5-192.168.4.20\")")]
    [InlineData("{a=\"b\"} | __error__=\"\"", "{a=\"b\"} | __error__=\"\"")]
    [InlineData("count_over_time({app=\"foo\"}[5m])", "count_over_time({app=\"foo\"}[5m])")]
    [InlineData("rate({app=\"foo\"} |= \"error\" [1h30m] offset 5m)", "rate({app=\"foo\"} |= \"error\"[1h30m] offset 5m)")]
    [InlineData("rate(({app=\"foo\"} |= \"error\")[1m])", "rate({app=\"foo\"} |= \"error\"[1m])")]
    [InlineData("sum by (host) (rate({job=\"mysql\"} |= \"error\" != \"timeout\" | json | duration > 10s [1m]))",
        "sum by (host)(rate({job=\"mysql\"} |= \"error\" != \"timeout\" | json | duration>10s[1m]))")]
    [InlineData("sum(rate({a=\"b\"}[1m])) by (x, y)", "sum by (x,y)(rate({a=\"b\"}[1m]))")]
    [InlineData("topk(10, sum(rate({region=\"us-east1\"}[5m])) by (name))", "topk(10,sum by (name)(rate({region=\"us-east1\"}[5m])))")]
    [InlineData("quantile_over_time(0.99, {a=\"b\"} | json | unwrap duration(latency) | __error__=\"\" [1m]) by (method)",
        "quantile_over_time(0.99,{a=\"b\"} | json | unwrap duration(latency) | __error__=\"\"[1m]) by (method)")]
    [InlineData("sum_over_time({a=\"b\"} | logfmt | unwrap bytes(size) [5m])", "sum_over_time({a=\"b\"} | logfmt | unwrap bytes(size)[5m])")]
    [InlineData("1 + 2 * 3", "1 + (2 * 3)")]
    [InlineData("2 ^ 3 ^ 2", "2 ^ (3 ^ 2)")]
    [InlineData("sum(rate({a=\"b\"}[1m])) / sum(rate({a=\"c\"}[1m])) > bool 0.5", "(sum(rate({a=\"b\"}[1m])) / sum(rate({a=\"c\"}[1m]))) > bool 0.5")]
    [InlineData("rate({a=\"b\"}[1m]) * on (x) group_left (y) rate({a=\"c\"}[1m])", "rate({a=\"b\"}[1m]) * on (x) group_left (y) rate({a=\"c\"}[1m])")]
    [InlineData("count_over_time({a=\"b\"}[1m]) or vector(0)", "count_over_time({a=\"b\"}[1m]) or vector(0)")]
    [InlineData("label_replace(rate({a=\"b\"}[1m]), \"foo\", \"$1\", \"a\", \"(.*)\")", "label_replace(rate({a=\"b\"}[1m]),\"foo\",\"$1\",\"a\",\"(.*)\")")]
    [InlineData("sort_desc(sum by (a) (count_over_time({a=\"b\"}[1m])))", "sort_desc(sum by (a)(count_over_time({a=\"b\"}[1m])))")]
    [InlineData("-1", "-1")]
    [InlineData("count_over_time({a=\"b\"}[5m]) > 1e3", "count_over_time({a=\"b\"}[5m]) > 1000")]
    [InlineData("sum without (a) (bytes_over_time({a=\"b\"}[1d]))", "sum without (a)(bytes_over_time({a=\"b\"}[24h]))")]
    public void Parses_to_canonical_text_that_reparses_equal(string query, string canonical)
    {
        var expr = LogQLParser.Parse(query);
        Assert.Equal(canonical, expr.ToString());
        var again = LogQLParser.Parse(expr.ToString());
        Assert.Equal(expr, again);
        Assert.Equal(canonical, again.ToString());
    }

    [Theory]
    [InlineData("unk({ foo = \"bar\" }[5m])", "parse error at line 1, col 1: syntax error: unexpected IDENTIFIER")]
    [InlineData("{app=\"foo\"} |= foo", "parse error at line 1, col 16: syntax error: unexpected IDENTIFIER, expecting STRING")]
    [InlineData("{app=\"foo\"", "parse error at line 1, col 11: syntax error: unexpected $end, expecting }")]
    [InlineData("{app=\"foo\"}\n |= \"x\" |", "parse error at line 2, col 10: syntax error: unexpected $end, expecting IDENTIFIER")]
    [InlineData("{}", "parse error at line 1, col 2: syntax error: unexpected }, expecting IDENTIFIER")]
    [InlineData("{app=~\".*\"}", "parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will")]
    [InlineData("{app=\"foo\"} |~ \"(\"", "parse error at line 1, col 16: invalid regular expression \"(\"")]
    [InlineData("{app=\"foo\"} |= \"abc", "parse error at line 1, col 16: literal not terminated")]
    [InlineData("absent_over_time({ foo = \"bar\" }[5h]) by (foo)", "parse error : grouping not allowed for absent_over_time aggregation")]
    [InlineData("sum_over_time({a=\"b\"}[5m])", "parse error : invalid aggregation sum_over_time without unwrap")]
    [InlineData("count_over_time({a=\"b\"} | unwrap x [5m])", "parse error : invalid aggregation count_over_time with unwrap")]
    [InlineData("1 > 2", "parse error : comparisons between scalars must use BOOL modifier")]
    [InlineData("{a=\"b\"} | regexp \"(\\\\w+)\"", "parse error at line 1, col 18: at least one named capture must be supplied")]
    [InlineData("{a=\"b\"} | pattern \"<a><b>\"", "parse error at line 1, col 19: found consecutive capture '<a><b>': invalid expression")]
    [InlineData("{a=\"b\"} | label_format foo=bar,foo=\"new\"", "parse error : label name foo can only be assigned once in label_format")]
    [InlineData("topk(0, count_over_time({a=\"b\"}[1m]))", "parse error : invalid parameter (must be greater than 0) 0")]
    [InlineData("{a=\"b\"} |= \"x\" + 1", "parse error at line 1, col 16: unexpected log query as the left operand of '+': use a metric query such as count_over_time(...[5m])")]
    [InlineData("{a=\"b\"} | unwrap x", "parse error at line 1, col 11: syntax error: unexpected UNWRAP")]
    public void Rejects_bad_queries_like_Loki(string query, string message)
    {
        var e = Assert.Throws<ParseException>(() => LogQLParser.Parse(query));
        Assert.StartsWith(message, e.Message);
        Assert.IsAssignableFrom<QueryException>(e);
    }

    [Fact]
    public void Parse_error_carries_line_and_column()
    {
        var e = Assert.Throws<ParseException>(() => LogQLParser.Parse("{app=\"foo\"}\n  |= bar"));
        Assert.Equal(2, e.Line);
        Assert.Equal(6, e.Column);
    }

    [Theory]
    [InlineData("{a=\"b\"}", "a", MatchType.Equal, "b")]
    [InlineData("{ job =~ `kube.+` }", "job", MatchType.Regex, "kube.+")]
    public void ParseSelector_returns_matchers(string selector, string name, MatchType type, string value)
    {
        var matchers = LogQLParser.ParseSelector(selector);
        var m = Assert.Single(matchers);
        Assert.Equal((name, type, value), (m.Name, m.Type, m.Value));
    }

    [Theory]
    [InlineData("{a=\"b\"} |= \"x\"", "parse error : only label matchers are supported")]
    [InlineData("{a=\"\"}", "parse error : queries require at least one regexp or equality matcher")]
    [InlineData("a=\"b\"", "parse error at line 1, col 1: syntax error: unexpected IDENTIFIER, expecting {")]
    public void ParseSelector_rejects_non_selectors(string selector, string message)
    {
        var e = Assert.Throws<ParseException>(() => LogQLParser.ParseSelector(selector));
        Assert.StartsWith(message, e.Message);
    }

    [Theory]
    [InlineData("{a=\"b\"} |= \"x\" != \"y\" | json |= \"z\"", 2)]
    [InlineData("{a=\"b\"} | json |= \"z\"", 0)]
    [InlineData("{a=\"b\"}", 0)]
    [InlineData("{a=\"b\"} |= \"\"", 1)]
    public void Leading_line_filters_become_the_pushdown_filter(string query, int pushed)
    {
        var selector = Assert.IsType<LogSelectorExpr>(LogQLParser.Parse(query));
        Assert.Equal(pushed, selector.PushdownStageCount);
        // An empty |= "" filters nothing, so nothing is pushed down for it.
        Assert.Equal(pushed > 0 && !query.EndsWith("\"\"", StringComparison.Ordinal), selector.PushdownFilter is not null);
    }
}
