using System.Text;
using Runestone.LogQL.Filters;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Tests;

public class LineFilterTests
{
    [Theory]
    [InlineData("|= \"error\"", "an error happened", true)]
    [InlineData("|= \"error\"", "an Error happened", false)]
    [InlineData("!= \"error\"", "an error happened", false)]
    [InlineData("!= \"error\"", "all good", true)]
    [InlineData("|= \"a\" or \"b\"", "xbx", true)]
    [InlineData("|= \"a\" or \"b\"", "xcx", false)]
    [InlineData("!= \"a\" or \"b\"", "xbx", false)]
    [InlineData("!= \"a\" or \"b\"", "xcx", true)]
    [InlineData("|= \"error\" != \"timeout\"", "error: timeout", false)]
    [InlineData("|= \"error\" != \"timeout\"", "error: refused", true)]
    [InlineData("|~ \"error|fail\"", "it failed", true)]
    [InlineData("|~ \"error|fail\"", "it worked", false)]
    [InlineData("|~ \"(?i)timeout\"", "TimeOut reached", true)]
    [InlineData("|~ \"(?i)timeout\"", "time out", false)]
    [InlineData("|~ \"(?i)ünïcode\"", "ÜNÏCODE here", true)]
    [InlineData("|~ \"tsdb-ops.*io:2003\"", "x tsdb-ops-a.io:2003 y", true)]
    [InlineData("|~ \"tsdb-ops.*io:2003\"", "x tsdb-ops-a.io:2004 y", false)]
    [InlineData("|~ `error=\\w+`", "error=refused", true)]
    [InlineData("|~ `error=\\w+`", "error= refused", false)]
    [InlineData("|~ \".*foo.*\"", "a foo b", true)]
    [InlineData("|~ \"a.b\"", "a\nb", true)] // log_queries: in line filters "." matches newlines
    [InlineData("!~ \"^GET\"", "GET /", false)]
    [InlineData("!~ \"^GET\"", "POST /", true)]
    [InlineData("|~ \"x+y\"", "xxxy", true)]
    [InlineData("|~ \"colou?r\"", "color", true)]
    [InlineData("|~ \"\\\\.go:\\\\d+\"", "main.go:12", true)]
    [InlineData("|~ \"\\\\.go:\\\\d+\"", "main.go:x", false)]
    [InlineData("|> \"<_> error <_>\"", "an error here", true)]
    [InlineData("|> \"<_> error <_>\"", "anerror here", false)]
    [InlineData("!> \"<_> error <_>\"", "an error here", false)]
    [InlineData("|= ip(\"192.168.0.0/16\")", "from 192.168.4.5: ok", true)]
    [InlineData("|= ip(\"192.168.0.0/16\")", "from 10.1.4.5: ok", false)]
    [InlineData("|= ip(\"192.168.4.5-192.168.4.20\")", "client=192.168.4.20.", true)]
    [InlineData("|= ip(\"192.168.4.5-192.168.4.20\")", "client=192.168.4.21", false)]
    [InlineData("|= ip(\"2001:db8::/32\")", "v6 2001:db8::1 hit", true)]
    [InlineData("!= ip(\"192.168.0.0/16\")", "from 192.168.4.5: ok", false)]
    public void Filters_lines_on_bytes(string filters, string line, bool expected)
    {
        var selector = Assert.IsType<LogSelectorExpr>(LogQLParser.Parse("{a=\"b\"} " + filters));
        var filter = selector.PushdownFilter;
        Assert.NotNull(filter);
        Assert.Equal(expected, filter.Matches(Encoding.UTF8.GetBytes(line)));
    }

    // A whole block is skipped only when no line in it can match; anything uncertain says "maybe".
    [Theory]
    [InlineData("|= \"needle\"", "a\nb needle c\nd", true)]
    [InlineData("|= \"needle\"", "a\nb nee\ndle c", false)]
    [InlineData("|= \"a\" |= \"zz\"", "a\nb\nc", false)]
    [InlineData("|= \"a\" |= \"zz\"", "a\nzz", true)] // may: lines differ, so the line check decides
    [InlineData("|= \"x\" or \"y\"", "q\ny", true)]
    [InlineData("|= \"x\" or \"y\"", "q\nz", false)]
    [InlineData("|~ \"(?i)timeout\"", "one\nTIMEOUT two", true)]
    [InlineData("|~ \"(?i)timeout\"", "one\ntime out", false)]
    [InlineData("|~ \"retry.go:8[0-9][0-9] msg=.database timeout\"", "caller=retry.go:812 msg=\"database timeout", true)]
    [InlineData("|~ \"retry.go:8[0-9][0-9] msg=.database timeout\"", "caller=server.go:812 msg=\"ok\"", false)]
    [InlineData("!= \"needle\"", "needle\nneedle", true)]
    [InlineData("|~ \"^GET\"", "POST /GET", true)]
    [InlineData("|~ \"^GET\"", "POST /", false)]
    [InlineData("|> \"<_> error <_>\"", "nothing", true)]
    public void Whole_blocks_are_ruled_out_only_when_no_line_can_match(string filters, string bytes, bool expected)
    {
        var selector = Assert.IsType<LogSelectorExpr>(LogQLParser.Parse("{a=\"b\"} " + filters));
        var filter = selector.PushdownFilter;
        Assert.NotNull(filter);
        Assert.Equal(expected, filter.MayMatchAny(Encoding.UTF8.GetBytes(bytes)));
    }

    // A template block's static text: digits and hex letters may have been cut out as variables,
    // so only the runs of a literal without them must stand in the text as they are.
    [Theory]
    [InlineData("|= \"needle-q7d3c9a1f5e2b\"", "trace_id=needle-q\u0001d\u0001c", true)]
    [InlineData("|= \"needle-q7d3c9a1f5e2b\"", "trace_id=\u0002\u0010", false)]
    [InlineData("|= \"status=504\"", "status=\u0001", true)]
    [InlineData("|= \"status=504\"", "duration=\u0001ms", false)]
    [InlineData("|= \"12345\"", "anything", true)]
    [InlineData("|= \"deadbeef\"", "no hex here", true)]
    [InlineData("|= \"connection refused\"", "msg=\"connection refused\"", true)]
    [InlineData("|= \"connection refused\"", "msg=\"ok\"", false)]
    [InlineData("|= \"x\" or \"refused\"", "refused", true)]
    [InlineData("|= \"zz\" or \"qq\"", "none", false)]
    [InlineData("|~ \"retry.go:8[0-9][0-9] msg=.database timeout\"", "caller=retry.go:\u0001 msg=\"database timeout", true)]
    [InlineData("|~ \"retry.go:8[0-9][0-9] msg=.database timeout\"", "caller=server.go:\u0001 msg=\"ok\"", false)]
    [InlineData("!= \"needle\"", "needle", true)]
    [InlineData("|~ \"(?i)timeout\"", "nothing", true)]
    public void Template_text_rules_out_blocks_only_when_no_line_can_match(string filters, string staticText, bool expected)
    {
        var selector = Assert.IsType<LogSelectorExpr>(LogQLParser.Parse("{a=\"b\"} " + filters));
        var filter = selector.PushdownFilter;
        Assert.NotNull(filter);
        Assert.Equal(expected, filter.MayMatchAnyStatic(Encoding.UTF8.GetBytes(staticText), s_variableBytes));
    }

    private static readonly System.Buffers.SearchValues<byte> s_variableBytes =
        System.Buffers.SearchValues.Create("\u0001\u0002\u0003\u00040123456789abcdefABCDEF"u8);

    [Theory]
    [InlineData("error", typeof(ContainsFilter))]
    [InlineData("error|fail", typeof(AnyFilter))]
    [InlineData("(?i)timeout", typeof(ContainsIgnoreCaseFilter))]
    [InlineData(".*foo.*", typeof(ContainsFilter))]
    [InlineData("foo\\.bar", typeof(ContainsFilter))]
    [InlineData("error=\\w+", typeof(RegexFilter))]
    public void Regexes_of_literals_become_substring_searches(string regex, Type expected)
    {
        Assert.IsType(expected, RegexAnalysis.Build(regex));
    }

    [Theory]
    [InlineData("error=\\w+", "error=")]
    [InlineData("tsdb-ops.*io:2003", "tsdb-ops")]
    [InlineData("(a|b)+connection refused", "connection refused")]
    [InlineData("abc?def", "def")]
    [InlineData("[0-9]+ms timeout", "ms timeout")]
    public void Regex_prefilter_uses_a_required_literal(string regex, string literal)
    {
        var filter = Assert.IsType<RegexFilter>(RegexAnalysis.Build(regex));
        var first = filter.Prefilter is AllFilter all ? all.Filters[0] : filter.Prefilter;
        var contains = Assert.IsType<ContainsFilter>(first);
        Assert.Equal(literal, Encoding.UTF8.GetString(contains.Needle));
    }

    [Fact]
    public void Regex_prefilter_requires_every_literal_run()
    {
        var filter = Assert.IsType<RegexFilter>(RegexAnalysis.Build("status=5\\d\\d duration=\\d{4}ms"));
        var all = Assert.IsType<AllFilter>(filter.Prefilter);
        Assert.Equal([" duration=", "status=5"], all.Filters.Select(f => Encoding.UTF8.GetString(((ContainsFilter)f).Needle)));
        Assert.False(filter.Matches("status=200 duration=1234ms"u8));
        Assert.True(filter.Matches("status=503 duration=1234ms"u8));
    }

    [Theory]
    [InlineData("(?i)timeout", "a TIMEOUT b", true)]
    [InlineData("(?i)timeout", "time out tImEoUt", true)]
    [InlineData("(?i)timeout", "timeou", false)]
    [InlineData("(?i)x-request-id", "X-Request-ID: 1", true)]
    [InlineData("(?i)ab", "aB", true)]
    public void Case_insensitive_search_anchors_on_a_rare_byte(string regex, string line, bool expected)
    {
        var filter = RegexAnalysis.Build(regex);
        Assert.IsType<ContainsIgnoreCaseFilter>(filter);
        Assert.Equal(expected, filter.Matches(Encoding.UTF8.GetBytes(line)));
    }

    [Theory]
    [InlineData("a*")]
    [InlineData("(?s)x.y|\\d")]
    [InlineData("a(?i)bc")]
    public void Regex_without_a_required_literal_has_no_prefilter(string regex)
    {
        var filter = Assert.IsType<RegexFilter>(RegexAnalysis.Build(regex));
        Assert.Null(filter.Prefilter);
    }
}
