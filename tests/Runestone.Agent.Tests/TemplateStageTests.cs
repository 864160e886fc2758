using Runestone.Agent.Pipeline;
using Runestone.Agent.Pipeline.Stages;
using Xunit;

namespace Runestone.Agent.Tests;

/// <summary>
/// Promtail's <c>template</c> stage on LogQL's template engine: each example of
/// docs/sources/send-data/promtail/stages/template.md, with the outputs the doc states or, where
/// it states none, worked out by hand from Go's strings package and Promtail's stage code.
/// </summary>
public sealed class TemplateStageTests
{
    private static Dictionary<string, string> Run(string source, string template, params (string Key, string Value)[] extracted) =>
        RunWithLine(source, template, "the line", extracted);

    private static Dictionary<string, string> RunWithLine(string source, string template, string line, params (string Key, string Value)[] extracted)
    {
        var entry = new PipelineEntry([], line, 1);
        foreach (var (key, value) in extracted)
        {
            entry.Extracted[key] = value;
        }

        new TemplateStage(source, StageTemplate.Parse(template)).Process(entry, new ListSink());
        return entry.Extracted;
    }

    [Fact]
    public void Doc_examples_of_the_schema_section()
    {
        // "this stage will first add new_key with a blank value ... Then its value will be set to hello world!"
        Assert.Equal("hello world!", Run("new_key", "hello world!")["new_key"]);
        Assert.Equal("loki_some_suffix", Run("app", "{{ .Value }}_some_suffix", ("app", "loki"))["app"]);
        Assert.Equal("loki", Run("app", "{{ ToLower .Value }}", ("app", "LOKI"))["app"]);
        Assert.Equal("warn for app LOKI", Run("output_msg", "{{ .level }} for app {{ ToUpper .app }}", ("app", "loki"), ("level", "warn"))["output_msg"]);
        Assert.Equal(
            "warn for app LOKI in module test",
            Run("app", "{{ .level }} for app {{ ToUpper .Value }} in module {{.module}}", ("app", "loki"), ("level", "warn"), ("module", "test"))["app"]);

        // "at most 1 instance of loki changed to blokey".
        Assert.Equal("blokey loki", Run("app", "{{ Replace .Value \"loki\" \"blokey\" 1 }}", ("app", "loki loki"))["app"]);

        // "A special key named Entry can be used to reference the current line".
        Assert.Equal("loki: some line", RunWithLine("message", "{{.app }}: {{ .Entry }}", "some line", ("app", "loki"))["message"]);
    }

    [Theory]
    // The doc's multiline example turns "11/08/2022, 12:53:24 PM" into RFC3339; the YAML escaped
    // line breaks drop the indentation, so no spaces end up in the output.
    [InlineData("11/08/2022, 12:53:24 PM", "2022-11-08T12:53:24Z")]
    [InlineData("11/08/2022, 12:53:24 AM", "2022-11-08T00:53:24Z")]
    [InlineData("11/08/2022, 9:05:00 PM", "2022-11-08T21:05:00Z")]
    [InlineData("11/08/2022, 3:00:00 PM", "2022-11-08T15:00:00Z")]
    [InlineData("11/08/2022, 10:01:02 AM", "2022-11-08T10:01:02Z")]
    public void Doc_multiline_time_example(string line, string expected)
    {
        var h = new PipelineHarness("""
            - regex:
                expression: "^(?P<date_local>\\S+), (?P<time_local>\\S+) (?P<hour_period>\\S+)$"
            - template:
                source: time
                template: "\
                  {{ .date_local | substr 6 10 }}-{{ .date_local | substr 0 2 }}-{{ .date_local | substr 3 5 }}T\
                  {{ if eq (.time_local | substr 0 2) \"12\" }}\
                      {{ if eq .hour_period \"AM\" }}00{{ else }}12{{ end }}{{ .time_local | substr 2 10}}Z\
                  {{ else }}\
                      {{ if eq .hour_period \"AM\" }}\
                          {{ if or (eq (.time_local | substr 0 2) \"11\") (eq (.time_local | substr 0 2) \"10\") }}{{ .time_local }}Z\
                              {{ else }}0{{ .time_local }}Z\
                          {{ end }}\
                      {{ else }}\
                          {{ if eq (.time_local | substr 0 2) \"11\" }}23{{ .time_local | substr 2 10 }}Z{{ end }}\
                          {{ if eq (.time_local | substr 0 2) \"10\" }}22{{ .time_local | substr 2 10 }}Z{{ end }}\
                          {{ if eq (.time_local | substr 0 2) \"9:\" }}21{{ .time_local | substr 1 10 }}Z{{ end }}\
                          {{ if eq (.time_local | substr 0 2) \"8:\" }}20{{ .time_local | substr 1 10 }}Z{{ end }}\
                          {{ if and (le (.time_local | substr 0 1) \"7\") (eq (.time_local | substr 1 2) \":\") }}1{{ add (.time_local | substr 0 1) 2 }}{{ .time_local | substr 1 10 }}Z{{ end }}\
                      {{ end }}\
                  {{ end }}"
            """);
        h.Push(line);
        Assert.Equal(expected, h.Single().Extracted["time"]);
    }

    [Theory]
    // "Supported Functions": one row per function, the doc's template with a hand-worked input.
    [InlineData("{{ ToLower .app }}", "LoKi", "loki")]
    [InlineData("{{ .app | ToUpper }}", "LoKi", "LOKI")]
    // Replace: "replace the first two words loki by Loki"; n < 0 replaces all; empty old matches around each rune.
    [InlineData("{{ Replace .Value \"loki\" \"Loki\" 2 }}", "loki loki loki", "Loki Loki loki")]
    [InlineData("{{ Replace .Value \"loki\" \"Loki\" -1 }}", "loki loki loki", "Loki Loki Loki")]
    [InlineData("{{ Replace .Value \"\" \"-\" -1 }}", "abc", "-a-b-c-")]
    // Trim removes leading and trailing code points in the cutset; TrimLeft and TrimRight one side.
    [InlineData("{{ Trim .Value \",. \" }}", ".. loki, .", "loki")]
    [InlineData("{{ TrimLeft .Value \",. \" }}", ".. loki, .", "loki, .")]
    [InlineData("{{ TrimRight .Value \",. \" }}", ".. loki, .", ".. loki")]
    [InlineData("{{ TrimSpace .Value }}", " \t loki \n", "loki")]
    // TrimPrefix and TrimSuffix remove one occurrence of the exact string.
    [InlineData("{{ TrimPrefix .Value \"--\" }}", "----loki--", "--loki--")]
    [InlineData("{{ TrimSuffix .Value \"--\" }}", "--loki----", "--loki--")]
    // regexReplaceAll: "$ signs are interpreted as in Expand"; so $1a names group "1a", which is empty.
    [InlineData("{{ regexReplaceAll \"(a*)bc\" .Value \"${1}a\" }}", "aabc", "aaa")]
    [InlineData("{{ regexReplaceAll \"(a*)bc\" .Value \"$1a\" }}", "-aabc-", "--")]
    // regexReplaceAllLiteral: "substituted directly, without using Expand".
    [InlineData("{{ regexReplaceAllLiteral \"(ts=)\" .Value \"timestamp=\" }}", "ts=1 ts=2", "timestamp=1 timestamp=2")]
    [InlineData("{{ regexReplaceAllLiteral \"(ts=)\" .Value \"$1\" }}", "ts=1", "$11")]
    // Hash is SHA3-256 of salt+input (here .Value+"salt", the doc's argument order); Sha2Hash is SHA-256.
    // Expected digests from Python's hashlib.sha3_256(b"lokisalt") and hashlib.sha256(b"lokisalt").
    [InlineData("{{ Hash .Value \"salt\" }}", "loki", "53ddc627682ed26d0e68af30eb180182ca15b5827126282dd0f76f3af49d742b")]
    [InlineData("{{ Sha2Hash .Value \"salt\" }}", "loki", "45a238ce9fdf019798e5c5e994198143baee0947d0c9d5c616e0b8f9ddacdc0f")]
    // Sprig functions are there too ("All sprig functions have been added to the template stage in Loki 2.3").
    [InlineData("{{ .Value | substr 0 2 | upper }}", "loki", "LO")]
    [InlineData("{{ .Value | replace \"o\" \"0\" | trunc 3 }}", "loki", "l0k")]
    [InlineData("{{ default \"none\" .missing }}", "loki", "none")]
    // Go's define/template/block come with the shared engine.
    [InlineData("{{ define \"t\" }}[{{ . }}]{{ end }}{{ template \"t\" .Value }}", "loki", "[loki]")]
    public void Promtail_functions(string template, string app, string expected)
    {
        Assert.Equal(expected, Run("app", template, ("app", app))["app"]);
    }

    [Fact]
    public void Absent_keys_print_no_value_as_in_go()
    {
        // Promtail's data is a map[string]interface{}: a missing key, and .Value when the source is
        // absent, print Go's "<no value>".
        Assert.Equal("<no value>|<no value>", Run("out", "{{ .Value }}|{{ .nope }}")["out"]);
    }

    [Fact]
    public void Empty_result_removes_the_key_and_a_failing_template_changes_nothing()
    {
        Assert.False(Run("app", "{{ if eq .Value \"x\" }}y{{ end }}", ("app", "loki")).ContainsKey("app"));
        Assert.Equal("loki", Run("app", "{{ div 1 0 }}", ("app", "loki"))["app"]);
    }

    [Fact]
    public void Loki_only_functions_are_not_defined_for_promtail()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PipelineBuilder.BuildFromYaml(
            "- template:\n    source: x\n    template: '{{ __line__ }}'", new StageContext()));
        Assert.Contains("function \"__line__\" not defined", ex.Message);
    }

    [Fact]
    public void Replace_stage_templates_see_value_and_extracted_fields()
    {
        var h = new PipelineHarness("""
            - regex:
                expression: "^(?P<user>\\w+)"
            - replace:
                expression: "(\\w+)@(?P<domain>\\w+)"
                replace: "{{ if eq .Value .user }}{{ .Value | ToUpper }}{{ else }}{{ Sha2Hash .Value \"salt\" | trunc 6 }}{{ end }}"
            """);
        h.Push("bob bob@loki");
        var e = h.Single();

        // sha256("lokisalt") starts 45a238; "domain" was extracted from its named group.
        Assert.Equal("bob BOB@45a238", e.Line);
        Assert.Equal("loki", e.Extracted["domain"]);
    }
}
