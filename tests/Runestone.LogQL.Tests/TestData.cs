using System.Text;
using Runestone.Core.Logs;
using Runestone.LogQL.Engine;

namespace Runestone.LogQL.Tests;

internal static class TestData
{
    public const long S = 1_000_000_000;

    public static QueryParameters LogQuery(string query, long start, long end, int limit = 100, Direction direction = Direction.Backward) =>
        new(query, start, end, 0, 0, limit, direction, false);

    public static QueryParameters Range(string query, long start, long end, long step) =>
        new(query, start, end, step, 0, 100, Direction.Backward, false);

    public static QueryParameters Instant(string query, long time) =>
        new(query, time, time, 0, 0, 100, Direction.Backward, true);

    public static QueryResult Run(IStreamSource source, QueryParameters p, QueryEngineOptions? options = null) =>
        new QueryEngine(source, options ?? new QueryEngineOptions()).Execute(p, new QueryStatistics(), CancellationToken.None);

    /// <summary>Streams as "labels: line@ts, line@ts" strings, for compact assertions.</summary>
    public static string[] Describe(QueryResult result)
    {
        var streams = Assert.IsType<StreamsResult>(result);
        return streams.Streams
            .Select(s => s.Labels + ": " + string.Join(", ", s.Entries.Select(e => Encoding.UTF8.GetString(e.Line) + "@" + (e.TimestampNs / S))))
            .ToArray();
    }
}
