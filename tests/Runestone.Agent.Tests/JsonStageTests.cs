using Runestone.Agent.Pipeline;
using Xunit;

namespace Runestone.Agent.Tests;

/// <summary>The <c>json</c> stage's JMESPath, beyond the field paths the first version handled.</summary>
public sealed class JsonStageTests
{
    private const string Line = """
        {"level":"info","grpc.method":"Push","n":3,"ratio":0.25,"big":1e21,"ok":true,"nothing":null,
         "user":{"name":"marco","roles":["admin","dev"]},
         "items":[{"name":"a","kind":"x","size":1},{"name":"b","kind":"y","size":2},{"name":"c","kind":"x","size":3}],
         "nested":[[1,2],[3],[]],"words":["x","y","z"],"empty":[]}
        """;

    [Theory]
    // Field paths, quoted names, indexes and wildcard projections (what the old subset did).
    [InlineData("level", "info")]
    [InlineData("user.name", "marco")]
    [InlineData("\"grpc.method\"", "Push")]
    [InlineData("user.roles[-1]", "dev")]
    [InlineData("items[*].name", "[\"a\",\"b\",\"c\"]")]
    [InlineData("missing || level", "info")]
    // Filter projections.
    [InlineData("items[?kind=='x'].name", "[\"a\",\"c\"]")]
    [InlineData("items[?size > `1`].name | [0]", "b")]
    [InlineData("items[?kind=='z'].name", "[]")]
    // Functions.
    [InlineData("length(items)", "3")]
    [InlineData("keys(user)", "[\"name\",\"roles\"]")]
    [InlineData("to_string(n)", "3")]
    [InlineData("to_string(user)", "{\"name\":\"marco\",\"roles\":[\"admin\",\"dev\"]}")]
    [InlineData("join(',', user.roles)", "admin,dev")]
    [InlineData("max_by(items, &size).name", "c")]
    [InlineData("sum(items[*].size)", "6")]
    [InlineData("contains(user.roles, 'dev')", "true")]
    // Multiselect hash and list.
    [InlineData("{who: user.name, lvl: level}", "{\"who\":\"marco\",\"lvl\":\"info\"}")]
    [InlineData("[level, n]", "[\"info\",3]")]
    // Slices, flatten, pipe, literals.
    [InlineData("words[0:2]", "[\"x\",\"y\"]")]
    [InlineData("words[::-1] | join('', @)", "zyx")]
    [InlineData("nested[]", "[1,2,3]")]
    [InlineData("items[*].name | [1]", "b")]
    [InlineData("`\"fixed\"`", "fixed")]
    [InlineData("'raw'", "raw")]
    [InlineData("`{\"a\":1}`", "{\"a\":1}")]
    // Scalars as Promtail's later stages print them.
    [InlineData("n", "3")]
    [InlineData("ratio", "0.25")]
    [InlineData("big", "1000000000000000000000")]
    [InlineData("ok", "true")]
    [InlineData("empty", "[]")]
    public void Expressions_extract_promtail_values(string expression, string expected)
    {
        var h = new PipelineHarness($"- json:\n    expressions:\n      out: '{expression.Replace("'", "''", StringComparison.Ordinal)}'");
        h.Push(Line.ReplaceLineEndings(string.Empty));
        Assert.Equal(expected, h.Single().Extracted["out"]);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("nothing")]
    [InlineData("user.roles[5]")]
    [InlineData("level.name")]
    [InlineData("abs(level)")]
    public void Null_no_match_and_runtime_errors_leave_the_key_unset(string expression)
    {
        var h = new PipelineHarness($"- json:\n    expressions:\n      out: '{expression}'");
        h.Push("{\"level\":\"info\",\"nothing\":null,\"user\":{\"roles\":[\"a\"]}}");
        Assert.False(h.Single().Extracted.ContainsKey("out"));
    }

    [Fact]
    public void Promtail_doc_example_with_extracted_source()
    {
        var h = new PipelineHarness("""
            - json:
                expressions:
                  output:    log
                  stream:    stream
                  timestamp: time
                  extra:
            - json:
                expressions:
                  user:
                source: extra
            """);
        h.Push("{\"log\":\"log message\\n\",\"stream\":\"stderr\",\"time\":\"2019-04-30T02:12:41.8443515Z\",\"extra\":\"{\\\"user\\\":\\\"marco\\\"}\"}");
        var x = h.Single().Extracted;
        AssertDocExampleFields(x);
        Assert.Equal("{\"user\":\"marco\"}", x["extra"]);
        Assert.Equal("marco", x["user"]);
    }

    [Fact]
    public void Promtail_doc_example_with_a_quoted_key()
    {
        var h = new PipelineHarness("""
            - json:
                expressions:
                  output: log
                  stream: '"grpc.stream"'
                  timestamp: time
            """);
        h.Push("{\"log\":\"log message\\n\",\"grpc.stream\":\"stderr\",\"time\":\"2019-04-30T02:12:41.8443515Z\"}");
        AssertDocExampleFields(h.Single().Extracted);
    }

    [Fact]
    public void Field_paths_indexes_and_quoted_names_mix_in_one_stage()
    {
        var h = new PipelineHarness("""
            - json:
                expressions:
                  first: 'extra.user[0]'
                  nested: '"extra.dotted"'
                  count: n
            """);
        h.Push("{\"extra\":{\"user\":[\"marco\",\"x\"]},\"extra.dotted\":true,\"n\":3}");
        var x = h.Single().Extracted;
        Assert.Equal("marco", x["first"]);
        Assert.Equal("true", x["nested"]);
        Assert.Equal("3", x["count"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("{\"a\":1} trailing")]
    public void Lines_that_are_not_one_json_object_are_malformed(string line)
    {
        var h = new PipelineHarness("- json:\n    expressions: {a: }\n    drop_malformed: true");
        h.Push(line);
        Assert.Empty(h.Sink.Entries);
        Assert.Equal(["malformed_json"], h.DropReasons);
    }

    [Fact]
    public void Malformed_lines_pass_through_without_drop_malformed()
    {
        var h = new PipelineHarness("- json:\n    expressions: {a: }");
        h.Push("{\"a\":");
        Assert.False(h.Single().Extracted.ContainsKey("a"));
        Assert.Empty(h.DropReasons);
    }

    [Theory]
    [InlineData("items[?")]
    [InlineData("foo[0:2:0]")]
    [InlineData("a ||")]
    public void Bad_expressions_are_config_errors_naming_the_stage(string expression)
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            PipelineBuilder.BuildFromYaml($"- json:\n    expressions:\n      out: '{expression}'", new StageContext()));
        Assert.Contains("json", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expression, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>What Promtail's doc says its examples' line yields for output, stream and timestamp.</summary>
    private static void AssertDocExampleFields(IReadOnlyDictionary<string, string> extracted)
    {
        Assert.Equal("log message\n", extracted["output"]);
        Assert.Equal("stderr", extracted["stream"]);
        Assert.Equal("2019-04-30T02:12:41.8443515Z", extracted["timestamp"]);
    }
}
