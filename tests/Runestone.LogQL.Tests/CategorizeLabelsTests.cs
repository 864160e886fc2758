using System.Text;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.LogQL.Engine;
using static Runestone.LogQL.Tests.TestData;

namespace Runestone.LogQL.Tests;

/// <summary>
/// Log queries with Loki's categorize-labels flag: streams keyed by their own labels, each entry
/// with the structured metadata and parsed labels the pipeline left (Loki's LabelsResult split).
/// </summary>
public sealed class CategorizeLabelsTests
{
    private static readonly LabelPair[] TraceMetadata = [new("trace_id", "t1")];

    private static QueryParameters Categorized(string query, Direction direction = Direction.Forward, long intervalNs = 0) =>
        new(query, 0, 10 * S, 0, intervalNs, 100, direction, Instant: false, CategorizeLabels: true);

    /// <summary>Each entry as "stream sm=… parsed=…: line", "-" for an empty group.</summary>
    private static string[] DescribeEntries(QueryResult result) =>
        Assert.IsType<StreamsResult>(result).Streams
            .SelectMany(s => s.Entries.Select(e => $"{s.Labels} sm={Pairs(e.StructuredMetadata)} parsed={Pairs(e.Parsed)}: {Encoding.UTF8.GetString(e.Line)}"))
            .ToArray();

    private static string Pairs(LabelPair[]? pairs) => pairs is null ? "-" : LabelSet.FromPairs(pairs).ToString();

    [Theory]
    [InlineData("", "level=info", "{app=\"a\"} sm={trace_id=\"t1\"} parsed=-: level=info")]
    [InlineData("|= \"info\"", "level=info", "{app=\"a\"} sm={trace_id=\"t1\"} parsed=-: level=info")]
    [InlineData("| logfmt", "level=info msg=hi", "{app=\"a\"} sm={trace_id=\"t1\"} parsed={level=\"info\", msg=\"hi\"}: level=info msg=hi")]
    // A parsed key that collides with a stream label or metadata gets "_extracted" and is parsed.
    [InlineData("| json", "{\"app\":\"x\",\"trace_id\":\"y\",\"n\":1}", "{app=\"a\"} sm={trace_id=\"t1\"} parsed={app_extracted=\"x\", n=\"1\", trace_id_extracted=\"y\"}: {\"app\":\"x\",\"trace_id\":\"y\",\"n\":1}")]
    [InlineData("| regexp \"(?P<verb>\\\\w+) (?P<path>\\\\S+)\"", "GET /x", "{app=\"a\"} sm={trace_id=\"t1\"} parsed={path=\"/x\", verb=\"GET\"}: GET /x")]
    [InlineData("| pattern \"<verb> <_>\"", "GET /x", "{app=\"a\"} sm={trace_id=\"t1\"} parsed={verb=\"GET\"}: GET /x")]
    [InlineData("| unpack", "{\"_entry\":\"raw\",\"k\":\"v\"}", "{app=\"a\"} sm={trace_id=\"t1\"} parsed={k=\"v\"}: raw")]
    // label_format output is parsed, even over a stream label (which then leaves the stream) or metadata.
    [InlineData("| label_format dst=\"{{.app}}\"", "x", "{app=\"a\"} sm={trace_id=\"t1\"} parsed={dst=\"a\"}: x")]
    [InlineData("| label_format app=\"{{.app}}-2\"", "x", "{} sm={trace_id=\"t1\"} parsed={app=\"a-2\"}: x")]
    [InlineData("| label_format trace_id=\"t9\"", "x", "{app=\"a\"} sm=- parsed={trace_id=\"t9\"}: x")]
    // Dropped labels leave whichever group they were in; line_format changes no labels.
    [InlineData("| logfmt | drop trace_id, level", "level=info msg=hi", "{app=\"a\"} sm=- parsed={msg=\"hi\"}: level=info msg=hi")]
    [InlineData("| logfmt | keep app, msg", "level=info msg=hi", "{app=\"a\"} sm=- parsed={msg=\"hi\"}: level=info msg=hi")]
    [InlineData("| logfmt | line_format \"{{.msg}}\"", "level=info msg=hi", "{app=\"a\"} sm={trace_id=\"t1\"} parsed={level=\"info\", msg=\"hi\"}: hi")]
    [InlineData("| logfmt | level=\"info\" | decolorize", "level=info", "{app=\"a\"} sm={trace_id=\"t1\"} parsed={level=\"info\"}: level=info")]
    public void Entries_carry_metadata_and_parsed_labels_beside_the_stream_labels(string pipeline, string line, string expected)
    {
        var source = new InMemoryStreamSource().AddWithMetadata("{app=\"a\"}", (1 * S, line, TraceMetadata));
        var result = Run(source, Categorized("{app=\"a\"} " + pipeline));
        Assert.Equal([expected], DescribeEntries(result));
    }

    [Fact]
    public void Errors_are_parsed_labels()
    {
        var source = new InMemoryStreamSource().Add("{app=\"a\"}", (1 * S, "not json"));
        var entry = Assert.Single(Assert.Single(Assert.IsType<StreamsResult>(Run(source, Categorized("{app=\"a\"} | json"))).Streams).Entries);
        Assert.Null(entry.StructuredMetadata);
        Assert.Contains(new LabelPair("__error__", "JSONParserErr"), entry.Parsed!);
        Assert.Contains(entry.Parsed!, p => p.Name == "__error_details__");
    }

    [Fact]
    public void Entries_with_different_parsed_labels_stay_in_their_stream()
    {
        var source = new InMemoryStreamSource()
            .AddWithMetadata("{app=\"a\"}", (1 * S, "level=info", TraceMetadata), (2 * S, "level=warn", [new LabelPair("trace_id", "t2")]))
            .Add("{app=\"b\"}", (3 * S, "level=info"));

        // Loki's default encoding splits streams by every label...
        var plain = Run(source, LogQuery("{app=~\"a|b\"} | logfmt", 0, 10 * S, direction: Direction.Forward));
        Assert.Equal(3, Assert.IsType<StreamsResult>(plain).Streams.Count);

        // ...categorize-labels keeps one stream per original label set.
        Assert.Equal(
            [
                "{app=\"a\"} sm={trace_id=\"t1\"} parsed={level=\"info\"}: level=info",
                "{app=\"a\"} sm={trace_id=\"t2\"} parsed={level=\"warn\"}: level=warn",
                "{app=\"b\"} sm=- parsed={level=\"info\"}: level=info",
            ],
            DescribeEntries(Run(source, Categorized("{app=~\"a|b\"} | logfmt"))));
    }

    [Fact]
    public void The_interval_path_categorizes_too()
    {
        var source = new InMemoryStreamSource().Add("{app=\"a\"}", (1 * S, "n=1"), (2 * S, "n=2"), (4 * S, "n=3"));
        Assert.Equal(
            ["{app=\"a\"} sm=- parsed={n=\"1\"}: n=1", "{app=\"a\"} sm=- parsed={n=\"3\"}: n=3"],
            DescribeEntries(Run(source, Categorized("{app=\"a\"} | logfmt", intervalNs: 3 * S))));
    }

    [Fact]
    public void Equal_splits_share_one_set_of_arrays()
    {
        var source = new InMemoryStreamSource().AddWithMetadata(
            "{app=\"a\"}",
            (1 * S, "level=info", TraceMetadata),
            (2 * S, "level=info", TraceMetadata));
        var entries = Assert.Single(Assert.IsType<StreamsResult>(Run(source, Categorized("{app=\"a\"} | logfmt"))).Streams).Entries;
        Assert.Equal(2, entries.Count);
        Assert.Same(entries[0].Parsed, entries[1].Parsed);
        Assert.Same(entries[0].StructuredMetadata, entries[1].StructuredMetadata);
    }

    [Fact]
    public void Without_the_flag_nothing_is_split()
    {
        var source = new InMemoryStreamSource().AddWithMetadata("{app=\"a\"}", (1 * S, "level=info", TraceMetadata));
        var stream = Assert.Single(Assert.IsType<StreamsResult>(Run(source, LogQuery("{app=\"a\"} | logfmt", 0, 10 * S))).Streams);
        Assert.Equal("{app=\"a\", level=\"info\", trace_id=\"t1\"}", stream.Labels.ToString());
        Assert.Null(Assert.Single(stream.Entries).Parsed);
    }
}
