using Runestone.Core.Logs;
using Runestone.LogQL.Engine;
using static Runestone.LogQL.Tests.TestData;

namespace Runestone.LogQL.Tests;

public class LogQueryTests
{
    private static InMemoryStreamSource Source() => new InMemoryStreamSource()
        .Add("{app=\"api\", env=\"prod\"}", (1 * S, "GET /a 200"), (2 * S, "GET /b 500 error"), (3 * S, "POST /c 200"), (5 * S, "GET /d 500 error"))
        .Add("{app=\"web\", env=\"prod\"}", (2 * S + 1, "render ok"), (4 * S, "render error"), (6 * S, "render ok"))
        .Add("{app=\"db\", env=\"dev\"}", (1 * S, "query error"));

    public static TheoryData<string, long, long, int, Direction, string[]> Cases => new()
    {
        // Backward: the newest entries overall; each stream's entries newest first.
        { "{env=\"prod\"}", 0, 10 * S, 3, Direction.Backward, ["{app=\"api\", env=\"prod\"}: GET /d 500 error@5", "{app=\"web\", env=\"prod\"}: render ok@6, render error@4"] },
        // Forward: the oldest entries overall, oldest first.
        { "{env=\"prod\"}", 0, 10 * S, 3, Direction.Forward, ["{app=\"api\", env=\"prod\"}: GET /a 200@1, GET /b 500 error@2", "{app=\"web\", env=\"prod\"}: render ok@2"] },
        // Start inclusive, end exclusive.
        { "{app=\"api\"}", 2 * S, 5 * S, 100, Direction.Forward, ["{app=\"api\", env=\"prod\"}: GET /b 500 error@2, POST /c 200@3"] },
        { "{app=~\"api|web\"} |= \"error\"", 0, 10 * S, 100, Direction.Backward, ["{app=\"api\", env=\"prod\"}: GET /d 500 error@5, GET /b 500 error@2", "{app=\"web\", env=\"prod\"}: render error@4"] },
        { "{env=~\".+\"} |~ \"(?i)ERROR\" != \"GET\"", 0, 10 * S, 100, Direction.Forward, ["{app=\"db\", env=\"dev\"}: query error@1", "{app=\"web\", env=\"prod\"}: render error@4"] },
        { "{app=\"none\"}", 0, 10 * S, 100, Direction.Forward, [] },
        { "{app=\"api\"} |= \"nothing matches\"", 0, 10 * S, 100, Direction.Forward, [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Returns_limit_entries_grouped_by_stream(string query, long start, long end, int limit, Direction direction, string[] expected)
    {
        var result = Run(Source(), LogQuery(query, start, end, limit, direction));
        Assert.Equal(expected, Describe(result));
    }

    [Theory]
    // HTTP API "interval": across all streams, returned entries are at least interval apart.
    [InlineData(Direction.Forward, 2, new[] { "{app=\"api\", env=\"prod\"}: GET /a 200@1, POST /c 200@3, GET /d 500 error@5" })]
    [InlineData(Direction.Backward, 2, new[] { "{app=\"api\", env=\"prod\"}: GET /b 500 error@2", "{app=\"web\", env=\"prod\"}: render ok@6, render error@4" })]
    [InlineData(Direction.Forward, 10, new[] { "{app=\"api\", env=\"prod\"}: GET /a 200@1" })]
    public void Interval_spaces_entries_across_streams(Direction direction, long intervalSeconds, string[] expected)
    {
        var p = LogQuery("{env=\"prod\"}", 0, 10 * S, 100, direction) with { IntervalNs = intervalSeconds * S };
        Assert.Equal(expected, Describe(Run(Source(), p)));
    }

    [Fact]
    public void Passes_leading_line_filters_to_storage()
    {
        var source = Source();
        Run(source, LogQuery("{app=\"api\"} |= \"error\" != \"POST\"", 0, 10 * S));
        Assert.NotNull(source.LastRequest!.LineFilter);
        Assert.Equal(0, source.LastRequest.StartNs);
        Assert.Equal(10 * S, source.LastRequest.EndNs);
    }

    [Fact]
    public void Counts_returned_entries_in_statistics()
    {
        var stats = new QueryStatistics();
        new QueryEngine(Source(), new QueryEngineOptions()).Execute(LogQuery("{env=\"prod\"}", 0, 10 * S, 5), stats, CancellationToken.None);
        Assert.Equal(5, stats.EntriesReturned);
    }

    [Fact]
    public void Rejects_a_limit_above_max_entries_limit_per_query()
    {
        var e = Assert.Throws<QueryException>(() => Run(Source(), LogQuery("{app=\"api\"}", 0, 10 * S, 5001)));
        Assert.Equal("max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)", e.Message);
    }

    [Fact]
    public void Rejects_log_queries_as_instant_queries_like_Loki()
    {
        var e = Assert.Throws<QueryException>(() => Run(Source(), Instant("{app=\"api\"}", 10 * S)));
        Assert.StartsWith("log queries are not supported as an instant query type", e.Message);
    }

    [Fact]
    public void Rejects_a_range_longer_than_max_query_length()
    {
        var options = new QueryEngineOptions { MaxQueryLength = TimeSpan.FromHours(1) };
        var e = Assert.Throws<QueryException>(() => Run(Source(), LogQuery("{app=\"api\"}", 0, 2 * 3600 * S), options));
        Assert.Equal("the query time range exceeds the limit (query length: 2h, limit: 1h)", e.Message);
    }

    [Fact]
    public void Many_streams_in_parallel_keep_global_order()
    {
        var source = new InMemoryStreamSource();
        for (var s = 0; s < 50; s++)
        {
            var entries = Enumerable.Range(0, 200).Select(i => ((long)((i * 50) + s), $"s{s} i{i}")).ToArray();
            source.Add($"{{app=\"a\", n=\"{s}\"}}", entries);
        }

        var result = Assert.IsType<StreamsResult>(Run(source, LogQuery("{app=\"a\"}", 0, 100 * S, 1000, Direction.Backward)));
        var all = result.Streams.SelectMany(s => s.Entries).Select(e => e.TimestampNs).OrderDescending().ToList();
        Assert.Equal(1000, all.Count);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)(9999 - i)), all);
        Assert.All(result.Streams, s => Assert.Equal(s.Entries.Select(e => e.TimestampNs).OrderDescending(), s.Entries.Select(e => e.TimestampNs)));
    }
}
