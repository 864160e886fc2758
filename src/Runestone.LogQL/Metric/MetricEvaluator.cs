using System.Text.RegularExpressions;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.LogQL.Engine;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Metric;

/// <summary>
/// Evaluates metric queries over the step grid: an instant query is one step at its time,
/// a range query every <c>step</c> from start to end inclusive.
/// </summary>
internal static class MetricEvaluator
{
    public static QueryResult Execute(QueryEngine engine, SampleExpr expr, QueryParameters p, QueryStatistics statistics, CancellationToken ct)
    {
        var grid = Grid(engine.Options, p);
        var value = Evaluate(engine, expr, grid, statistics, ct);
        if (value is ScalarValue scalar)
        {
            if (p.Instant)
            {
                return new ScalarResult(p.EndNs, scalar.Value);
            }

            var points = new MatrixPoint[grid.Count];
            for (var k = 0; k < grid.Count; k++)
            {
                points[k] = new MatrixPoint(grid.Time(k), scalar.Value);
            }

            return new MatrixResult([new MatrixSeries(LabelSet.Empty, points)]);
        }

        var vector = (VectorValue)value;
        var series = vector.Series.FindAll(static s => s.Any());
        if (series.Count > engine.Options.MaxQuerySeries)
        {
            throw new QueryException(
                $"maximum of series ({engine.Options.MaxQuerySeries}) reached for a single query; add label matchers or aggregate (e.g. sum by (...)) to return fewer series, or raise max_query_series");
        }

        if (p.Instant)
        {
            var samples = new List<VectorSample>(series.Count);
            foreach (var s in series)
            {
                samples.Add(new VectorSample(s.Labels, p.EndNs, s.Values[0]));
            }

            if (vector.SortByValue)
            {
                var descending = vector.SortDescending;
                samples.Sort((a, b) => CompareValues(a.Value, b.Value, descending));
            }
            else
            {
                samples.Sort(static (a, b) => string.CompareOrdinal(a.Metric.ToString(), b.Metric.ToString()));
            }

            return new VectorResult(samples);
        }

        var matrix = new List<MatrixSeries>(series.Count);
        foreach (var s in series)
        {
            var points = new List<MatrixPoint>();
            for (var k = 0; k < grid.Count; k++)
            {
                if (s.Present[k])
                {
                    points.Add(new MatrixPoint(grid.Time(k), s.Values[k]));
                }
            }

            matrix.Add(new MatrixSeries(s.Labels, points));
        }

        matrix.Sort(static (a, b) => string.CompareOrdinal(a.Metric.ToString(), b.Metric.ToString()));
        return new MatrixResult(matrix);
    }

    private static int CompareValues(double a, double b, bool descending)
    {
        if (double.IsNaN(a))
        {
            return double.IsNaN(b) ? 0 : 1;
        }

        if (double.IsNaN(b))
        {
            return -1;
        }

        return descending ? b.CompareTo(a) : a.CompareTo(b);
    }

    private static StepGrid Grid(QueryEngineOptions options, QueryParameters p)
    {
        if (p.Instant)
        {
            return new StepGrid(p.EndNs, 1, 1);
        }

        if (p.StepNs <= 0)
        {
            throw new QueryException("zero or negative query resolution step widths are not accepted. Try a positive integer");
        }

        var count = ((p.EndNs - p.StartNs) / p.StepNs) + 1;
        if (count > options.MaxPointsPerSeries)
        {
            throw new QueryException(
                $"exceeded maximum resolution of {options.MaxPointsPerSeries} points per timeseries. Try decreasing the query resolution (?step=XX)");
        }

        return new StepGrid(p.StartNs, p.StepNs, (int)count);
    }

    private static EvalValue Evaluate(QueryEngine engine, SampleExpr expr, StepGrid grid, QueryStatistics statistics, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        switch (expr)
        {
            case LiteralExpr literal:
                return new ScalarValue(literal.Value);
            case VectorExpr v:
            {
                var series = new Series(LabelSet.Empty, grid.Count);
                for (var k = 0; k < grid.Count; k++)
                {
                    series.Set(k, v.Value);
                }

                return new VectorValue([series]);
            }

            case RangeAggregationExpr range:
                return new RangeEvaluator(range, grid).Evaluate(engine, statistics, ct);
            case VectorAggregationExpr { Operation: "sum", Inner: RangeAggregationExpr range } agg when RangeEvaluator.CanInjectSumGrouping(range):
            {
                var grouping = agg.Grouping ?? new Grouping(false, []);
                var grouped = new RangeEvaluator(range, grid, grouping).Evaluate(engine, statistics, ct);
                return VectorAggregator.Aggregate(agg, grouped, grid.Count);
            }

            case VectorAggregationExpr agg:
            {
                var inner = Evaluate(engine, agg.Inner, grid, statistics, ct);
                if (inner is not VectorValue vector)
                {
                    throw new QueryException($"{agg.Operation} expects a vector, got a scalar: wrap it with vector(...)");
                }

                return VectorAggregator.Aggregate(agg, vector, grid.Count);
            }

            case BinaryOpExpr binary:
            {
                var left = Evaluate(engine, binary.Left, grid, statistics, ct);
                var right = Evaluate(engine, binary.Right, grid, statistics, ct);
                return BinaryEvaluator.Evaluate(binary, left, right, grid.Count);
            }

            case LabelReplaceExpr replace:
            {
                var inner = Evaluate(engine, replace.Inner, grid, statistics, ct);
                if (inner is not VectorValue vector)
                {
                    throw new QueryException("label_replace expects a vector, got a scalar");
                }

                return LabelReplace(replace, vector);
            }

            default:
                throw new QueryException($"unsupported expression {expr}");
        }
    }

    private static VectorValue LabelReplace(LabelReplaceExpr expr, VectorValue vector)
    {
        var regex = new Regex("^(?:" + RegexSyntax.ToDotNet(expr.Regex) + ")$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        foreach (var s in vector.Series)
        {
            var source = s.Labels.Get(expr.Source) ?? string.Empty;
            var match = regex.Match(source);
            if (!match.Success)
            {
                continue;
            }

            var value = match.Result(expr.Replacement);
            var list = s.Labels.ToList();
            list.RemoveAll(p => p.Name == expr.Destination);
            if (value.Length > 0)
            {
                list.Add(new LabelPair(expr.Destination, value));
            }

            s.Labels = LabelSet.FromList(list);
        }

        return vector;
    }
}
