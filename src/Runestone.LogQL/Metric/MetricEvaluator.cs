using Runestone.Core.Logs;
using Runestone.LogQL.Engine;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Metric;

/// <summary>Evaluates metric queries (range and vector aggregations, binary operations).</summary>
internal static class MetricEvaluator
{
    public static QueryResult Execute(QueryEngine engine, SampleExpr expr, QueryParameters parameters, QueryStatistics statistics, CancellationToken cancellationToken) =>
        throw new QueryException($"metric queries are not supported by this engine yet: {expr}");
}
