using Runestone.LogQL.Engine;
using static Runestone.LogQL.Tests.TestData;

namespace Runestone.LogQL.Tests;

/// <summary>
/// Seeded random edits of real queries that still parse are executed as range and instant
/// queries: the engine may refuse them only with a <see cref="QueryException"/>.
/// </summary>
public class EngineRobustnessTests
{
    private static readonly string[] s_seeds =
    [
        "sum by (level) (rate({app=~\"a|b\"} |= \"level\" | logfmt | n > 1 [3s]))",
        "quantile_over_time(0.5, {app=\"a\"} | logfmt | unwrap n | __error__=\"\" [4s]) by (app)",
        "topk(1, count_over_time({app=\"b\"} | json | __error__!=\"\" | drop __error__, __error_details__ [2s])) / on (app) group_left sum by (app) (bytes_rate({app=\"b\"}[2s]))",
        "{app=\"a\"} | logfmt | line_format \"{{ .n }} {{ __line__ | trunc 3 }}\" | label_format m=\"{{ add .n 1 }}\" | m > 3",
        "label_replace(max_over_time({app=\"a\"} | regexp \"n=(?P<v>\\\\d+)\" | unwrap v [5s]) by (app), \"x\", \"$1\", \"app\", \"(.)\") > bool 3 or vector(1)",
    ];

    private static InMemoryStreamSource Source()
    {
        var source = new InMemoryStreamSource();
        source.Add("{app=\"a\"}", Enumerable.Range(1, 20).Select(i => ((long)i * S, $"level=info n={i} size={i}KB")).ToArray());
        source.Add("{app=\"b\"}", Enumerable.Range(1, 10).Select(i => ((long)(2 * i) * S, i % 3 == 0 ? "{\"level\":\"warn\"}" : "not json")).ToArray());
        return source;
    }

    private static void Execute(QueryEngine engine, QueryParameters p)
    {
        try
        {
            engine.Execute(p, new Core.Logs.QueryStatistics(), CancellationToken.None);
        }
        catch (QueryException)
        {
        }
    }

    [Fact]
    public void Edited_queries_run_or_fail_with_query_errors()
    {
        var engine = new QueryEngine(Source(), new QueryEngineOptions());
        var random = new Random(99);
        const string alphabet = "{}()[]|=!~<>\"`,.$-+*/%^ 0123456789abnlsxm_";
        var executed = 0;
        for (var n = 0; n < 2500; n++)
        {
            var chars = s_seeds[random.Next(s_seeds.Length)].ToCharArray().ToList();
            for (var edits = random.Next(0, 3); edits > 0; edits--)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }

            var query = new string([.. chars]);
            try
            {
                LogQLParser.Parse(query);
            }
            catch (ParseException)
            {
                continue;
            }

            executed++;
            Execute(engine, Range(query, 0, 25 * S, 2 * S));
            Execute(engine, Instant(query, 12 * S));
            Execute(engine, LogQuery(query, 0, 25 * S, 7));
        }

        Assert.True(executed > 100, $"only {executed} edited queries parsed");
    }
}
