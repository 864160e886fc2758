using System.Text;
using Runestone.Core.Labels;
using Runestone.LogQL.Log;
using Runestone.LogQL.Templates;

namespace Runestone.LogQL.Tests;

/// <summary>
/// Control structures of Go's text/template as its package documentation defines them
/// (pkg.go.dev/text/template: "Actions", "Arguments", "Variables", "Nested template definitions",
/// "Text and spaces"). Expected outputs are worked out by hand from those rules.
/// </summary>
public sealed class TemplateControlTests
{
    private static string Render(string template)
    {
        var labels = new LabelsBuilder(LabelSet.Of(("app", "api"), ("status", "200"), ("empty", "")));
        labels.Reset([]);
        var sb = new StringBuilder();
        TemplateProgram.Compile(template).Execute(sb, new TemplateContext { Labels = labels });
        return sb.ToString();
    }

    [Theory]
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
    public void Define_template_and_block(string template, string expected)
    {
        Assert.Equal(expected, Render(template));
    }

    [Theory]
    // {{with pipeline}}: dot is set to the value if it is not empty.
    [InlineData("{{with $x := .app}}{{$x}}{{.}}{{end}}", "apiapi")]
    // {{else}} of a with runs with dot unaffected.
    [InlineData("{{with .empty}}x{{else}}{{.app}}{{end}}", "api")]
    // {{with a}}{{else with b}}: dot is b in the second branch (Go 1.23).
    [InlineData("{{with .empty}}E{{else with .app}}[{{.}}]{{else}}none{{end}}", "[api]")]
    [InlineData("{{with .empty}}E{{else with .missing}}M{{else}}{{.status}}{{end}}", "200")]
    [InlineData("{{if .empty}}a{{else if .app}}b{{else}}c{{end}}", "b")]
    public void With_and_else_with(string template, string expected)
    {
        Assert.Equal(expected, Render(template));
    }

    [Theory]
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
    public void Range_and_variables(string template, string expected)
    {
        Assert.Equal(expected, Render(template));
    }

    [Theory]
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
    public void Trim_markers_and_comments(string template, string expected)
    {
        Assert.Equal(expected, Render(template));
    }

    [Theory]
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
    public void Parse_errors_match_go(string template, string message)
    {
        var e = Assert.Throws<TemplateException>(() => TemplateProgram.Compile(template));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    // Go resolves template names and assigned variables when the template runs.
    [InlineData("{{template \"nope\"}}", "template \"nope\" not defined")]
    [InlineData("{{$x = 1}}", "undefined variable: $x")]
    [InlineData("{{range $i, $v := 3}}{{end}}", "can't use 3 to iterate over more than one variable")]
    public void Execution_errors_match_go(string template, string message)
    {
        var e = Assert.Throws<TemplateException>(() => Render(template));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Line_format_parse_errors_point_at_the_template()
    {
        var e = Assert.Throws<ParseException>(() => LogQLParser.Parse("{a=\"b\"} | line_format `{{break}}`"));
        Assert.Contains("{{break}} outside {{range}}", e.Message);
    }

    [Fact]
    public void Line_format_runs_defined_templates_per_line()
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
