using Runestone.Core.Labels;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Metric;

/// <summary>sum/avg/min/max/count/stddev/stdvar/topk/bottomk/sort/sort_desc over a vector, per step, as in PromQL.</summary>
internal static class VectorAggregator
{
    public static VectorValue Aggregate(VectorAggregationExpr expr, VectorValue input, int steps)
    {
        var op = expr.Operation;
        if (op is "sort" or "sort_desc")
        {
            return new VectorValue(input.Series, Ordered: true, SortDescending: op == "sort_desc", SortByValue: true);
        }

        // Group once per series, not per step.
        var groups = new Dictionary<LabelSet, List<Series>>();
        var order = new List<LabelSet>();
        foreach (var s in input.Series)
        {
            var key = GroupKey(s.Labels, expr.Grouping);
            if (!groups.TryGetValue(key, out var members))
            {
                members = [];
                groups.Add(key, members);
                order.Add(key);
            }

            members.Add(s);
        }

        if (op is "topk" or "bottomk")
        {
            return TopK(expr.Parameter ?? 1, op == "topk", groups, steps);
        }

        var result = new List<Series>(groups.Count);
        foreach (var key in order)
        {
            var members = groups[key];
            var output = new Series(key, steps);
            for (var k = 0; k < steps; k++)
            {
                double count = 0, sum = 0, mean = 0, m2 = 0, extreme = double.NaN;
                foreach (var s in members)
                {
                    if (!s.Present[k])
                    {
                        continue;
                    }

                    var v = s.Values[k];
                    count++;
                    sum += v;
                    var delta = v - mean;
                    mean += delta / count;
                    m2 += delta * (v - mean);
                    if (count == 1 || double.IsNaN(extreme) || (op == "min" ? v < extreme : v > extreme))
                    {
                        extreme = v;
                    }
                }

                if (count == 0)
                {
                    continue;
                }

                output.Set(k, op switch
                {
                    "sum" => sum,
                    "avg" => mean,
                    "count" => count,
                    "min" or "max" => extreme,
                    "stdvar" => m2 / count,
                    "stddev" => Math.Sqrt(m2 / count),
                    _ => throw new QueryException($"unsupported vector aggregation {op}"),
                });
            }

            if (output.Any())
            {
                result.Add(output);
            }
        }

        return new VectorValue(result);
    }

    private static VectorValue TopK(int k, bool top, Dictionary<LabelSet, List<Series>> groups, int steps)
    {
        var selected = new Dictionary<Series, Series>(ReferenceEqualityComparer.Instance);
        var ranked = new List<Series>();
        foreach (var members in groups.Values)
        {
            for (var step = 0; step < steps; step++)
            {
                ranked.Clear();
                foreach (var s in members)
                {
                    if (s.Present[step])
                    {
                        ranked.Add(s);
                    }
                }

                ranked.Sort((a, b) => Compare(a.Values[step], b.Values[step], top));
                for (var i = 0; i < Math.Min(k, ranked.Count); i++)
                {
                    var s = ranked[i];
                    if (!selected.TryGetValue(s, out var output))
                    {
                        output = new Series(s.Labels, steps);
                        selected.Add(s, output);
                    }

                    output.Set(step, s.Values[step]);
                }
            }
        }

        return new VectorValue([.. selected.Values], Ordered: true, SortDescending: top, SortByValue: true);
    }

    // NaN ranks last in both topk and bottomk, as in Prometheus.
    private static int Compare(double a, double b, bool descending)
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

    public static LabelSet GroupKey(LabelSet labels, Grouping? grouping)
    {
        if (grouping is null)
        {
            return LabelSet.Empty;
        }

        var kept = new List<LabelPair>();
        foreach (var pair in labels.Pairs)
        {
            var listed = false;
            foreach (var name in grouping.Labels)
            {
                if (name == pair.Name)
                {
                    listed = true;
                    break;
                }
            }

            if (listed != grouping.Without)
            {
                kept.Add(pair);
            }
        }

        return kept.Count == labels.Count ? labels : LabelSet.FromList(kept);
    }
}
