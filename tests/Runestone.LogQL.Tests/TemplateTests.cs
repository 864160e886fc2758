using System.Text;
using Runestone.Core.Labels;
using Runestone.LogQL.Log;
using Runestone.LogQL.Templates;
using static Runestone.LogQL.Tests.TestData;

namespace Runestone.LogQL.Tests;

/// <summary>Go text/template semantics and Loki's template functions (template_functions.md examples).</summary>
public class TemplateTests
{
    private static string Render(string template, string line = "the line", long ts = 1_700_000_000_123_456_789)
    {
        var labels = new LabelsBuilder(LabelSet.Of(("app", "api"), ("path", "/a b/c"), ("status", "200"), ("duration", "3000"), ("err", "ErrTimeout happened"), ("createDate", "2021-11-02"), ("empty", "")));
        labels.Reset([]);
        var sb = new StringBuilder();
        TemplateProgram.Compile(template).Execute(sb, new TemplateContext { Labels = labels, Line = line, TimestampNs = ts });
        return sb.ToString();
    }

    [Theory]
    [InlineData("{{.app}} {{.status}}", "api 200")]
    [InlineData("{{.missing}}|", "|")]
    [InlineData("{{ .path | replace \" \" \"_\" | trunc 5 | upper }}", "/A_B/")]
    [InlineData("{{ if and (contains \"he\" \"hello\") (contains \"llo\" \"hello\") }} yes {{end}}", " yes ")]
    [InlineData("{{ if or (contains \"xx\" \"hello\") (contains \"llo\" \"hello\") }} yes {{end}}", " yes ")]
    [InlineData("{{ if contains \"ErrTimeout\" .err }} timeout {{else if contains \"he\" \"hello\"}} yes {{else}} no {{end}}", " timeout ")]
    [InlineData("{{ if contains \"Nope\" .err }}a{{else if contains \"he\" \"hello\"}}b{{else}}c{{end}}", "b")]
    [InlineData("{{ if eq .status \"500\" }}a{{else}}c{{end}}", "c")]
    [InlineData("{{ if eq .status \"404\" \"200\" }}a{{end}}", "a")]
    [InlineData("{{ with .app }}[{{.}}]{{end}}{{ with .empty }}never{{else}}none{{end}}", "[api]none")]
    [InlineData("{{ $x := .app }}{{ $x }}-{{ $x = \"b\" }}{{ $x }}", "api-b")]
    [InlineData("{{- .app -}}  \n  {{- .status }}", "api200")]
    [InlineData("{{/* a comment */}}x", "x")]
    [InlineData("{{ __line__ | lower }}", "the line")]
    [InlineData("{{ __timestamp__ | date \"2006-01-02T15:04:05.00Z07:00\" }}", "2023-11-14T22:13:20.12Z")]
    [InlineData("{{ __timestamp__ | unixEpoch }}", "1700000000")]
    [InlineData("{{ __timestamp__ | unixEpochMillis }}", "1700000000123")]
    [InlineData("{{ __timestamp__ }}", "2023-11-14 22:13:20.123456789 +0000 UTC")]
    [InlineData("{{ date \"Mon Jan _2 03:04:05 PM 2006\" (unixToTime \"1679577215\") }}", "Thu Mar 23 01:13:35 PM 2023")]
    [InlineData("{{ unixEpoch (toDate \"2006-01-02\" .createDate) }}", "1635811200")]
    [InlineData("{{ toDateInZone \"2006-01-02T15:04:05Z07:00\" \"UTC\" \"2021-11-02T10:00:00+02:00\" | unixEpoch }}", "1635840000")]
    [InlineData("{{ duration \"250ms\" }}|{{ \"1m30s\" | duration_seconds }}", "0.25|90")]
    [InlineData("{{ alignLeft 5 \"hello world\"}}|{{ alignLeft 5 \"hi\"}}|", "hello|hi   |")]
    [InlineData("{{ alignRight 5 \"hello world\"}}|{{ alignRight 5 \"hi\"}}", "world|   hi")]
    [InlineData("{{ \"hello\" | b64enc }}|{{ \"aGVsbG8=\" | b64dec }}", "aGVsbG8=|hello")]
    [InlineData("{{ \"20KB\" | bytes }}", "20000")]
    [InlineData("{{ default \"-\" \"\" }}|{{ default \"-\" \"foo\" }}|{{ .missing | default \"-\" }}", "-|foo|-")]
    [InlineData("{{ range $q := fromJson \"[{\\\"query\\\":\\\"a\\\"},{\\\"query\\\":\\\"b\\\"}]\" }} {{ $q.query }} {{ end }}", " a  b ")]
    [InlineData("{{ range $i, $v := fromJson \"[5,6]\" }}{{$i}}={{$v}};{{ end }}", "0=5;1=6;")]
    [InlineData("{{ range fromJson \"[]\" }}x{{else}}empty{{end}}", "empty")]
    [InlineData("{{ (fromJson \"{\\\"foo\\\": 55}\").foo }}", "55")]
    [InlineData("{{ lower \"HELLO\"}}", "hello")]
    [InlineData("{{ indent 2 \"a\\nb\" }}|{{ nindent 2 \"a\" }}", "  a\n  b|\n  a")]
    [InlineData("{{ repeat 3 \"hello\" }}", "hellohellohello")]
    [InlineData("{{ printf \"The IP address was %s\" .app }}", "The IP address was api")]
    [InlineData("{{printf \"%-8.3s|%5.5s|%05.1f|%d|%x|%q|%v|%t\" \"abcdef\" \"xy\" 3.14159 42 255 \"q\" 1.5 true}}", "abc     |   xy|003.1|42|ff|\"q\"|1.5|true")]
    [InlineData("{{ replace \"hello\" \"world\" \"hello world\" }}", "world world")]
    [InlineData("{{ substr 0 5 \"hello world\"}}|{{ substr 6 11 \"hello world\"}}|{{ substr 6 99 \"hello world\"}}", "hello|world|world")]
    [InlineData("{{ title \"hello world\"}}", "Hello World")]
    [InlineData("{{ trim \"   hello    \" }}|{{ trimAll \"$\" \"$5.00\" }}|{{ trimPrefix \"-\" \"-hello\" }}|{{ trimSuffix \"-\" \"hello-\" }}", "hello|5.00|hello|hello")]
    [InlineData("{{ trunc 5 \"hello world\"}}|{{ trunc -5 \"hello world\"}}", "hello|world")]
    [InlineData("{{ \"a b&c\" | urlencode }}|{{ \"a+b%26c\" | urldecode }}", "a+b%26c|a b&c")]
    [InlineData("{{ if hasPrefix \"he\" \"hello\" }}p{{end}}{{ if hasSuffix \"lo\" \"hello\" }}s{{end}}", "ps")]
    [InlineData("{{ add 3 2 5 }}|{{ addf 3.5 2 5 }}|{{ sub 5 2 }}|{{ subf 5.5 2 1.5 }}|{{ mul 5 2 3 }}|{{ mulf 5.5 2 2.5 }}", "10|10.5|3|2|30|27.5")]
    [InlineData("{{ div 10 2 }}|{{ divf 10 2 4 }}|{{ mod 10 3 }}|{{ div .duration 1000 }}", "5|1.25|1|3")]
    [InlineData("{{ ceil 123.001 }}|{{ floor 123.9999 }}|{{ round 123.555555 3 }}|{{ round 123.88571428571 5 .2 }}", "124|123|123.556|123.88572")]
    [InlineData("{{ \"3.5\" | float64 }}|{{ \"3\" | int }}|{{ max 1 2 3 }}|{{ maxf 1 2.5 3 }}|{{ min 1 2 3 }}|{{ minf 1.5 2.5 3 }}", "3.5|3|3|3|1|1.5")]
    [InlineData("{{ count \"a|b\" \"abab\" }}|{{ count \"o\" \"foo\" }}", "4|2")]
    [InlineData("{{ regexReplaceAll \"(a*)bc\" \"aabc\" \"${1}X\" }}|{{ regexReplaceAllLiteral \"(ts=)\" \"ts=1\" \"$1\" }}", "aaX|$11")]
    [InlineData("{{ len .app }}|{{ not true }}|{{ print 1 2 \"x\" }}", "3|false|1 2x")]
    [InlineData("{{ if lt 1 2 }}lt{{end}}{{ if ge \"b\" \"a\" }}ge{{end}}", "ltge")]
    [InlineData("{{ ToUpper .app }}|{{ Replace .app \"a\" \"A\" -1 }}|{{ TrimSpace \" x \" }}", "API|Api|x")]
    // Control structures as pkg.go.dev/text/template defines them ("Actions", "Variables",
    // "Nested template definitions", "Text and spaces"); outputs worked out by hand from those rules.
    // "Nested template definitions": the doc's T1/T2/T3 example.
    [InlineData("{{define \"T1\"}}ONE{{end}}{{define \"T2\"}}TWO{{end}}{{define \"T3\"}}{{template \"T1\"}} {{template \"T2\"}}{{end}}{{template \"T3\"}}", "ONE TWO")]
    // {{template "name" pipeline}}: dot is set to the value of the pipeline.
    [InlineData("{{define \"x\"}}[{{.}}]{{end}}{{template \"x\" .app}}", "[api]")]
    [InlineData("{{define \"x\"}}{{.app}}-{{.status}}{{end}}{{template \"x\" .}}", "api-200")]
    // {{template "name"}}: executed with nil data, and nil prints as <no value>.
    [InlineData("{{define \"x\"}}{{.}}{{end}}{{template \"x\"}}", "<no value>")]
    // $ in a called template is the data it was called with, not the caller's.
    [InlineData("{{define \"x\"}}{{$}}{{end}}{{template \"x\" \"arg\"}}", "arg")]
    // Variables the template action's pipeline declares stay with the caller.
    [InlineData("{{define \"x\"}}<{{.}}>{{end}}{{template \"x\" $a := .app}}{{$a}}", "<api>api")]
    // Templates may call themselves.
    [InlineData("{{define \"count\"}}{{if gt . 0}}{{.}}{{template \"count\" sub . 1}}{{end}}{{end}}{{template \"count\" 3}}", "321")]
    // A definition produces no output; the text around it stays.
    [InlineData("{{define \"a\"}}A{{end}}\n{{template \"a\"}}", "\nA")]
    // {{block "name" pipeline}} T1 {{end}} is {{define "name"}} T1 {{end}}{{template "name" pipeline}}.
    [InlineData("{{block \"b\" .app}}<{{.}}>{{end}}!", "<api>!")]
    // An empty definition gives way to a non-empty one (how a block is overridden).
    [InlineData("{{block \"b\" .}}{{end}}{{define \"b\"}}B{{end}}", "B")]
    [InlineData("{{define \"b\"}}B{{end}}{{block \"b\" .}} {{end}}", "B")]

    // {{with pipeline}}: dot is set to the value if it is not empty.
    [InlineData("{{with $x := .app}}{{$x}}{{.}}{{end}}", "apiapi")]
    // {{else}} of a with runs with dot unaffected.
    [InlineData("{{with .empty}}x{{else}}{{.app}}{{end}}", "api")]
    // {{with a}}{{else with b}}: dot is b in the second branch (Go 1.23).
    [InlineData("{{with .empty}}E{{else with .app}}[{{.}}]{{else}}none{{end}}", "[api]")]
    [InlineData("{{with .empty}}E{{else with .missing}}M{{else}}{{.status}}{{end}}", "200")]
    [InlineData("{{if .empty}}a{{else if .app}}b{{else}}c{{end}}", "b")]

    // range $index, $element := pipeline: dot is the element too.
    [InlineData("{{range $i, $v := fromJson \"[\\\"a\\\",\\\"b\\\"]\"}}{{$i}}:{{$v}}:{{.}};{{end}}", "0:a:a;1:b:b;")]
    // One variable gets the element.
    [InlineData("{{range $v := fromJson \"[1,2]\"}}{{$v}}{{end}}", "12")]
    // Maps are visited in sorted key order.
    [InlineData("{{range $k, $v := fromJson \"{\\\"b\\\":1,\\\"a\\\":2}\"}}{{$k}}={{$v}};{{end}}", "a=2;b=1;")]
    // {{break}} ends the loop, {{continue}} the iteration, from inside nested if/with too.
    [InlineData("{{range $i, $v := fromJson \"[1,2,3,4]\"}}{{if eq $i 2}}{{break}}{{end}}{{$v}}{{end}}", "12")]
    [InlineData("{{range $i, $v := fromJson \"[1,2,3,4]\"}}{{if eq $i 1}}{{continue}}{{end}}{{$v}}{{end}}", "134")]
    [InlineData("{{range $v := fromJson \"[1,2,3]\"}}{{with $v}}{{if eq . 2.0}}{{break}}{{end}}{{end}}{{$v}}{{end}}", "1")]
    // An inner break leaves only the inner loop.
    [InlineData("{{range $a := fromJson \"[1,2]\"}}{{range $b := fromJson \"[7,8]\"}}{{$b}}{{break}}{{end}}{{$a}}{{end}}", "7172")]
    // Go 1.22: range over an integer n visits 0..n-1.
    [InlineData("{{range 3}}{{.}}{{end}}", "012")]
    [InlineData("{{range fromJson \"[]\"}}x{{else}}{{.app}}{{end}}", "api")]
    // $ is the data passed to Execute, also inside range.
    [InlineData("{{range $v := fromJson \"[1]\"}}{{$.app}}{{end}}", "api")]
    // Assignment changes the variable declared outside the loop (scope ends at the control's end).
    [InlineData("{{$n := 0}}{{range fromJson \"[1,2,3]\"}}{{$n = add $n 1}}{{end}}{{$n}}", "3")]
    [InlineData("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2")]
    [InlineData("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21")]

    // "Text and spaces": the doc's example.
    [InlineData("{{23 -}} < {{- 45}}", "23<45")]
    // The dash must be followed by a space, else it is a negative number.
    [InlineData("a {{-3}}", "a -3")]
    // White space is space, horizontal tab, carriage return and newline only.
    [InlineData("a \t\r\n{{- .app -}}\n\t b", "aapib")]
    [InlineData("x\u00a0{{- 1}}", "x\u00a01")]
    // {{- /* ... */ -}}: a comment that trims both sides; comments may span lines and hold "}}".
    [InlineData("a  {{- /* c */ -}}  b", "ab")]
    [InlineData("x{{/* }} \n */}}y", "xy")]
    // Missing values print as <no value>.
    [InlineData("{{ (fromJson \"{}\").a }}", "<no value>")]
    public void Renders_like_go_text_template(string template, string expected)
    {
        Assert.Equal(expected, Render(template));
    }

    [Theory]
    [InlineData("{{ nosuch .a }}", "function \"nosuch\" not defined")]
    [InlineData("{{ .a ", "unclosed action")]
    [InlineData("{{ if .a }}x", "unexpected EOF")]

    // Go's parser rejects these before anything runs.
    [InlineData("{{define \"a\"}}1{{end}}{{define \"a\"}}2{{end}}", "multiple definition of template \"a\"")]
    [InlineData("{{if true}}{{define \"a\"}}1{{end}}{{end}}", "unexpected <define>")]
    [InlineData("{{define \"a\"}}{{define \"b\"}}1{{end}}{{end}}", "unexpected <define>")]
    [InlineData("{{define \"a\"}}1", "unexpected EOF in define clause")]
    [InlineData("{{template x}}", "in template clause")]
    [InlineData("{{block \"b\"}}x{{end}}", "missing value for block clause")]
    [InlineData("{{break}}", "{{break}} outside {{range}}")]
    [InlineData("{{if true}}{{continue}}{{end}}", "{{continue}} outside {{range}}")]
    [InlineData("{{range fromJson \"[]\"}}{{else}}{{break}}{{end}}", "{{break}} outside {{range}}")]
    [InlineData("{{range fromJson \"[1]\"}}{{define \"a\"}}{{break}}{{end}}{{end}}", "unexpected <define>")]
    [InlineData("{{define \"a\"}}{{break}}{{end}}", "{{break}} outside {{range}}")]
    [InlineData("{{range fromJson \"[1]\"}}{{break 1}}{{end}}", "in break")]
    [InlineData("{{if .app}}a{{else with .app}}b{{end}}", "unexpected {{else with}}")]
    [InlineData("{{with .app}}a{{else if .app}}b{{end}}", "unexpected {{else if}}")]
    [InlineData("{{range $v := fromJson \"[1]\"}}{{end}}{{$v}}", "undefined variable \"$v\"")]
    [InlineData("{{if true}}{{$y := 1}}{{end}}{{$y}}", "undefined variable \"$y\"")]
    [InlineData("{{$v := 1}}{{define \"x\"}}{{$v}}{{end}}", "undefined variable \"$v\"")]
    [InlineData("{{/* c */ }}", "comment ends before closing delimiter")]
    [InlineData("{{/* c", "unclosed comment")]
    [InlineData("{{end x}}", "in end")]
    [InlineData("{{.app)}}", "unexpected \")\"")]
    public void Bad_templates_are_parse_errors(string template, string message)
    {
        var e = Assert.Throws<ParseException>(() => LogQLParser.Parse("{a=\"b\"} | line_format `" + template + "`"));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("| logfmt | line_format \"{{.ip}} {{.status}} {{div .duration 1000}}\"", "ip=1.1.1.1 status=200 duration=3000", "1.1.1.1 200 3")]
    [InlineData("| line_format \"{{ __line__ | upper }}\" |= \"ABC\"", "abc", "ABC")]
    [InlineData("| line_format \"{{ div 1 0 }}\"", "abc", "abc")]
    [InlineData("| line_format `{{define \"kv\"}}{{.app}}:{{__line__}}{{end}}{{template \"kv\" .}}`", "abc", "a:abc")]
    public void Line_format_rewrites_lines(string pipeline, string line, string expected)
    {
        var source = new InMemoryStreamSource().Add("{app=\"a\"}", (1 * S, line));
        var result = Assert.IsType<Engine.StreamsResult>(Run(source, LogQuery("{app=\"a\"} " + pipeline, 0, 10 * S)));
        Assert.Equal(expected, Encoding.UTF8.GetString(Assert.Single(Assert.Single(result.Streams).Entries).Line));
    }

    [Theory]
    // log_queries, "Labels format expression": rename drops the source; a template keeps it.
    [InlineData("| logfmt | label_format dst=src", "src=1", "{app=\"a\", dst=\"1\"}")]
    [InlineData("| logfmt | label_format dst=\"{{.src}}-x\"", "src=1", "{app=\"a\", dst=\"1-x\", src=\"1\"}")]
    [InlineData("| logfmt | label_format app=\"{{.app}}{{.src}}\"", "src=1", "{app=\"a1\", src=\"1\"}")]
    [InlineData("| label_format x=\"{{ div 1 0 }}\"", "l", "{__error__=\"TemplateFormatErr\", __error_details__=\"runtime error: integer divide by zero\", app=\"a\"}")]
    [InlineData("| logfmt | label_format nowEpoch=`{{ unixEpoch (toDate \"2006-01-02\" .d) }}` | nowEpoch > 1600000000", "d=2021-11-02", "{app=\"a\", d=\"2021-11-02\", nowEpoch=\"1635811200\"}")]
    public void Label_format_sets_and_renames_labels(string pipeline, string line, string expected)
    {
        var source = new InMemoryStreamSource().Add("{app=\"a\"}", (1 * S, line));
        var result = Assert.IsType<Engine.StreamsResult>(Run(source, LogQuery("{app=\"a\"} " + pipeline, 0, 10 * S)));
        Assert.Equal(expected, Assert.Single(result.Streams).Labels.ToString());
    }

    [Theory]
    // Go resolves template names and assigned variables only when the template runs.
    [InlineData("{{template \"nope\"}}", "template \"nope\" not defined")]
    [InlineData("{{$x = 1}}", "undefined variable: $x")]
    [InlineData("{{range $i, $v := 3}}{{end}}", "can't use 3 to iterate over more than one variable")]
    public void Execution_errors_match_go(string template, string message)
    {
        var e = Assert.Throws<TemplateException>(() => Render(template));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void One_context_runs_a_template_line_after_line()
    {
        var program = TemplateProgram.Compile("{{define \"kv\"}}{{.app}}={{.status}}{{end}}{{template \"kv\" .}}");
        var context = new TemplateContext();
        var sb = new StringBuilder();
        foreach (var status in new[] { "200", "500" })
        {
            var labels = new LabelsBuilder(LabelSet.Of(("app", "api"), ("status", status)));
            labels.Reset([]);
            context.Labels = labels;
            program.Execute(sb.Append('|'), context);
        }

        Assert.Equal("|api=200|api=500", sb.ToString());
    }
}
