using Runestone.Core.Labels;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Metric;

/// <summary>Binary operators between scalars and vectors with PromQL's matching rules.</summary>
internal static class BinaryEvaluator
{
    public static EvalValue Evaluate(BinaryOpExpr expr, EvalValue left, EvalValue right, int steps)
    {
        var op = expr.Op;
        switch (left, right)
        {
            case (ScalarValue l, ScalarValue r):
            {
                var (value, keep) = Apply(op, l.Value, r.Value, expr.ReturnBool);
                return new ScalarValue(keep ? value : double.NaN);
            }

            case (VectorValue l, ScalarValue r):
                return VectorScalar(expr, l, r.Value, scalarOnLeft: false, steps);
            case (ScalarValue l, VectorValue r):
                return VectorScalar(expr, r, l.Value, scalarOnLeft: true, steps);
            default:
                var lv = (VectorValue)left;
                var rv = (VectorValue)right;
                return expr.IsSetOp ? SetOp(expr, lv, rv, steps) : VectorVector(expr, lv, rv, steps);
        }
    }

    /// <summary>The result value and whether a comparison (without bool) keeps the sample.</summary>
    internal static (double Value, bool Keep) Apply(string op, double l, double r, bool returnBool)
    {
        switch (op)
        {
            case "+": return (l + r, true);
            case "-": return (l - r, true);
            case "*": return (l * r, true);
            case "/": return (l / r, true);
            case "%": return (l % r, true); // truncated remainder, like Go's math.Mod
            case "^": return (Math.Pow(l, r), true);
        }

        var holds = op switch
        {
            "==" => l == r,
            "!=" => l != r,
            ">" => l > r,
            ">=" => l >= r,
            "<" => l < r,
            "<=" => l <= r,
            _ => throw new QueryException($"unsupported binary operator {op}"),
        };

        return returnBool ? (holds ? 1 : 0, true) : (l, holds);
    }

    private static VectorValue VectorScalar(BinaryOpExpr expr, VectorValue vector, double scalar, bool scalarOnLeft, int steps)
    {
        var result = new List<Series>(vector.Series.Count);
        var comparison = expr.IsComparison;
        foreach (var s in vector.Series)
        {
            var output = new Series(s.Labels, steps);
            for (var k = 0; k < steps; k++)
            {
                if (!s.Present[k])
                {
                    continue;
                }

                var v = s.Values[k];
                var (value, keep) = scalarOnLeft ? Apply(expr.Op, scalar, v, expr.ReturnBool) : Apply(expr.Op, v, scalar, expr.ReturnBool);
                if (keep)
                {
                    // A filtering comparison keeps the vector's own value, whichever side it is on.
                    output.Set(k, comparison && !expr.ReturnBool ? v : value);
                }
            }

            if (output.Any())
            {
                result.Add(output);
            }
        }

        return new VectorValue(result);
    }

    private static LabelSet Signature(LabelSet labels, VectorMatching? matching)
    {
        if (matching is null)
        {
            return labels;
        }

        var kept = new List<LabelPair>();
        foreach (var pair in labels.Pairs)
        {
            var listed = matching.Labels.Contains(pair.Name);
            if (listed == matching.On)
            {
                kept.Add(pair);
            }
        }

        return LabelSet.FromList(kept);
    }

    private static VectorValue VectorVector(BinaryOpExpr expr, VectorValue left, VectorValue right, int steps)
    {
        var matching = expr.Matching;
        var card = matching?.Cardinality ?? VectorCardinality.OneToOne;

        // The "one" side is indexed by signature; the "many" side drives the output.
        var (many, one) = card == VectorCardinality.OneToMany ? (right, left) : (left, right);
        var oneBySignature = new Dictionary<LabelSet, List<Series>>();
        foreach (var s in one.Series)
        {
            var sig = Signature(s.Labels, matching);
            if (!oneBySignature.TryGetValue(sig, out var list))
            {
                list = [];
                oneBySignature.Add(sig, list);
            }

            list.Add(s);
        }

        var outputs = new Dictionary<LabelSet, Series>();
        var order = new List<Series>();
        foreach (var m in many.Series)
        {
            var sig = Signature(m.Labels, matching);
            if (!oneBySignature.TryGetValue(sig, out var candidates))
            {
                continue;
            }

            for (var k = 0; k < steps; k++)
            {
                if (!m.Present[k])
                {
                    continue;
                }

                Series? match = null;
                foreach (var c in candidates)
                {
                    if (!c.Present[k])
                    {
                        continue;
                    }

                    if (match is not null)
                    {
                        throw new QueryException(
                            $"found duplicate series for the match group {sig} on the {(card == VectorCardinality.OneToMany ? "left" : "right")} hand-side of the operation: many-to-many matching not allowed: matching labels must be unique on one side");
                    }

                    match = c;
                }

                if (match is null)
                {
                    continue;
                }

                var (l, r) = card == VectorCardinality.OneToMany ? (match, m) : (m, match);
                var (value, keep) = Apply(expr.Op, l.Values[k], r.Values[k], expr.ReturnBool);
                if (!keep)
                {
                    continue;
                }

                var labels = ResultLabels(m.Labels, match.Labels, expr, matching, card);
                if (!outputs.TryGetValue(labels, out var output))
                {
                    output = new Series(labels, steps);
                    outputs.Add(labels, output);
                    order.Add(output);
                }
                else if (output.Present[k])
                {
                    throw new QueryException(
                        $"multiple matches for labels {labels}: many-to-one matching must be explicit (group_left/group_right)");
                }

                output.Set(k, expr.IsComparison && !expr.ReturnBool ? l.Values[k] : value);
            }

        }

        return new VectorValue(order);
    }

    private static LabelSet ResultLabels(LabelSet manyLabels, LabelSet oneLabels, BinaryOpExpr expr, VectorMatching? matching, VectorCardinality card)
    {
        if (matching is null)
        {
            return manyLabels;
        }

        if (card == VectorCardinality.OneToOne)
        {
            return Signature(manyLabels, matching);
        }

        if (matching.Include.Count == 0)
        {
            return manyLabels;
        }

        var list = manyLabels.ToList();
        foreach (var name in matching.Include)
        {
            list.RemoveAll(p => p.Name == name);
            if (oneLabels.Get(name) is { } value)
            {
                list.Add(new LabelPair(name, value));
            }
        }

        return LabelSet.FromList(list);
    }

    private static VectorValue SetOp(BinaryOpExpr expr, VectorValue left, VectorValue right, int steps)
    {
        var matching = expr.Matching;
        var rightPresence = new Dictionary<LabelSet, bool[]>();
        foreach (var s in right.Series)
        {
            var sig = Signature(s.Labels, matching);
            if (!rightPresence.TryGetValue(sig, out var present))
            {
                present = new bool[steps];
                rightPresence.Add(sig, present);
            }

            for (var k = 0; k < steps; k++)
            {
                present[k] |= s.Present[k];
            }
        }

        var result = new List<Series>();
        var leftPresence = new Dictionary<LabelSet, bool[]>();
        foreach (var s in left.Series)
        {
            var sig = Signature(s.Labels, matching);
            rightPresence.TryGetValue(sig, out var inRight);
            var output = new Series(s.Labels, steps);
            for (var k = 0; k < steps; k++)
            {
                if (!s.Present[k])
                {
                    continue;
                }

                var matched = inRight is not null && inRight[k];
                var keep = expr.Op switch
                {
                    "and" => matched,
                    "unless" => !matched,
                    _ => true,
                };

                if (keep)
                {
                    output.Set(k, s.Values[k]);
                }
            }

            if (expr.Op == "or")
            {
                if (!leftPresence.TryGetValue(sig, out var present))
                {
                    present = new bool[steps];
                    leftPresence.Add(sig, present);
                }

                for (var k = 0; k < steps; k++)
                {
                    present[k] |= s.Present[k];
                }
            }

            if (output.Any())
            {
                result.Add(output);
            }
        }

        if (expr.Op == "or")
        {
            foreach (var s in right.Series)
            {
                leftPresence.TryGetValue(Signature(s.Labels, matching), out var inLeft);
                var output = new Series(s.Labels, steps);
                for (var k = 0; k < steps; k++)
                {
                    if (s.Present[k] && (inLeft is null || !inLeft[k]))
                    {
                        output.Set(k, s.Values[k]);
                    }
                }

                if (output.Any())
                {
                    result.Add(output);
                }
            }
        }

        return new VectorValue(result);
    }
}
