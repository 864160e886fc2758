using System.Globalization;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.Core.Time;
using Runestone.LogQL.Engine;
using Runestone.LogQL.Log;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Metric;

/// <summary>
/// Evaluates one range aggregation: reads the streams once each, in parallel, turning entries
/// into samples that feed every step window they fall in, then merges the series and applies
/// the function per step.
/// </summary>
internal sealed class RangeEvaluator
{
    private readonly RangeAggregationExpr _expr;
    private readonly StepGrid _grid;
    private readonly RangeKind _kind;
    private readonly long _rangeNs;
    private readonly long _offsetNs;
    private readonly LabelPredicate[] _postFilters;

    private readonly Grouping? _grouping;

    /// <param name="expr">The range aggregation.</param>
    /// <param name="grid">The evaluation steps.</param>
    /// <param name="injectedGrouping">
    /// The grouping of an enclosing <c>sum</c>: summing additive range results per group equals
    /// computing them on samples already reduced to the group's labels (Loki does the same),
    /// which keeps high-cardinality extracted labels from ever becoming series.
    /// </param>
    public RangeEvaluator(RangeAggregationExpr expr, StepGrid grid, Grouping? injectedGrouping = null)
    {
        _expr = expr;
        _grouping = expr.Grouping ?? injectedGrouping;
        _grid = grid;
        _rangeNs = expr.Range.RangeNs;
        _offsetNs = expr.Range.OffsetNs;
        _kind = KindOf(expr.Operation, expr.Range.Unwrap is not null);
        var filters = expr.Range.Unwrap?.PostFilters ?? [];
        _postFilters = new LabelPredicate[filters.Count];
        for (var i = 0; i < filters.Count; i++)
        {
            _postFilters[i] = LabelPredicate.Compile(filters[i]);
        }
    }

    /// <summary>Range aggregations whose per-series results a <c>sum</c> may add up per group before they exist.</summary>
    public static bool CanInjectSumGrouping(RangeAggregationExpr range) =>
        range.Grouping is null && range.Operation is "count_over_time" or "rate" or "bytes_over_time" or "bytes_rate" or "sum_over_time";

    private static RangeKind KindOf(string op, bool unwrapped) => op switch
    {
        "count_over_time" or "bytes_over_time" or "bytes_rate" or "absent_over_time" => RangeKind.Additive,
        "rate" => unwrapped ? RangeKind.Sum : RangeKind.Additive,
        "sum_over_time" or "avg_over_time" => RangeKind.Sum,
        "min_over_time" => RangeKind.Min,
        "max_over_time" => RangeKind.Max,
        "first_over_time" => RangeKind.First,
        "last_over_time" => RangeKind.Last,
        "stddev_over_time" or "stdvar_over_time" => RangeKind.Variance,
        "quantile_over_time" => RangeKind.Values,
        _ => RangeKind.Samples,
    };

    public VectorValue Evaluate(QueryEngine engine, QueryStatistics statistics, CancellationToken ct)
    {
        var selector = _expr.Range.Selector;
        var factory = new PipelineFactory(selector, LabelHints.For(_expr.Range, _grouping));

        // Samples at ts feed the windows (t - offset - range, t - offset] of the steps.
        var from = _grid.Time(0) - _offsetNs - _rangeNs + 1;
        var through = _grid.Time(_grid.Count - 1) - _offsetNs + 1;
        var request = new SelectRequest(selector.Matchers, from, through, Direction.Forward, selector.PushdownFilter, statistics);
        var iterators = engine.Source.Select(request, ct);
        var perStream = new Dictionary<LabelSet, RangeSeries>[iterators.Count];
        engine.RunParallel(iterators, (i, iterator) => perStream[i] = EvaluateStream(iterator, factory, ct), ct);

        var merged = new Dictionary<LabelSet, RangeSeries>();
        foreach (var partial in perStream)
        {
            if (partial is null)
            {
                continue;
            }

            foreach (var (labels, series) in partial)
            {
                if (merged.TryGetValue(labels, out var existing))
                {
                    existing.Merge(series);
                }
                else
                {
                    merged.Add(labels, series);
                }
            }
        }

        var result = new List<Series>(merged.Count);
        if (_expr.Operation == "absent_over_time")
        {
            result.Add(Absent(merged.Values));
            return new VectorValue(result);
        }

        var all = new List<KeyValuePair<LabelSet, RangeSeries>>(merged);
        var finished = new Series?[all.Count];
        if (_kind is RangeKind.Values or RangeKind.Samples && all.Count > 1)
        {
            // Quantiles sort every window's samples: spread the series over the cores.
            Parallel.For(0, all.Count, new ParallelOptions { MaxDegreeOfParallelism = engine.Parallelism, CancellationToken = ct }, i => finished[i] = Finish(all[i].Key, all[i].Value));
        }
        else
        {
            for (var i = 0; i < all.Count; i++)
            {
                finished[i] = Finish(all[i].Key, all[i].Value);
            }
        }

        foreach (var series in finished)
        {
            if (series is not null)
            {
                result.Add(series);
            }
        }

        return new VectorValue(result);
    }

    /// <summary>The series' value at every step that has samples; null when it has none.</summary>
    private Series? Finish(LabelSet labels, RangeSeries acc)
    {
        acc.Complete();
        var series = new Series(labels, _grid.Count);
        for (var k = 0; k < _grid.Count; k++)
        {
            if (acc.Count(k) > 0 && TryFinish(acc, k, out var value))
            {
                series.Set(k, value);
            }
        }

        return series.Any() ? series : null;
    }

    private Dictionary<LabelSet, RangeSeries> EvaluateStream(IEntryIterator iterator, PipelineFactory factory, CancellationToken ct)
    {
        var series = new Dictionary<LabelSet, RangeSeries>();
        var pipeline = factory.ForStream(iterator.Labels);
        var unwrap = _expr.Range.Unwrap;
        var grouping = _grouping;
        var isBytes = _expr.Operation is "bytes_over_time" or "bytes_rate";
        LabelSet? lastLabels = null;
        RangeSeries? lastSeries = null;
        var n = 0;
        while (iterator.MoveNext())
        {
            if ((++n & 4095) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            var ts = iterator.Timestamp;
            if (!_grid.TryStepsFor(ts, _rangeNs, _offsetNs, out var first, out var last))
            {
                continue;
            }

            var line = iterator.Line;
            var lineLength = line.Length;
            if (!pipeline.Process(ts, line, iterator.Metadata, out _))
            {
                continue;
            }

            var builder = pipeline.Builder;
            double value = 1;
            if (unwrap is not null)
            {
                value = ExtractValue(builder, unwrap);
                var keep = true;
                foreach (var filter in _postFilters)
                {
                    if (!filter.Test(builder))
                    {
                        keep = false;
                        break;
                    }
                }

                if (!keep)
                {
                    continue;
                }
            }
            else if (isBytes)
            {
                value = lineLength;
            }

            if (builder.HasError)
            {
                throw PipelineError(builder);
            }

            var labels = grouping is null ? builder.Labels() : builder.Grouped(grouping.Labels, grouping.Without);
            if (!ReferenceEquals(labels, lastLabels))
            {
                if (!series.TryGetValue(labels, out lastSeries))
                {
                    lastSeries = new RangeSeries(_kind, _grid.Count);
                    series.Add(labels, lastSeries);
                }

                lastLabels = labels;
            }

            lastSeries!.Add(ts, value, first, last);
        }

        return series;
    }

    private static double ExtractValue(LabelsBuilder builder, UnwrapExpr unwrap)
    {
        var text = builder.GetOrEmpty(unwrap.Label);
        builder.Delete(unwrap.Label);
        double value;
        var ok = unwrap.Conversion switch
        {
            UnwrapConversion.None => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            UnwrapConversion.Duration or UnwrapConversion.DurationSeconds => GoDuration.TryParseSeconds(text, out value),
            _ => ByteSize.TryParse(text, out value) || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value),
        };

        if (!ok)
        {
            builder.SetError(ErrorNames.SampleExtraction, $"unable to convert the value \"{text}\" of label {unwrap.Label} to a number");
            return 0;
        }

        return value;
    }

    private static QueryException PipelineError(LabelsBuilder builder)
    {
        var error = builder.Error;
        return new QueryException(
            $"pipeline error: '{error}' for series: '{builder.Labels()}'. Use a label filter to intentionally skip this error (e.g. | __error__!=\"{error}\"), or | __error__=\"\" to skip all errors (it can also follow unwrap: | unwrap latency | __error__=\"\")");
    }

    private bool TryFinish(RangeSeries acc, int k, out double value)
    {
        var rangeSeconds = _rangeNs / (double)UnixNanos.PerSecond;
        var count = acc.Count(k);
        value = double.NaN;
        switch (_expr.Operation)
        {
            case "count_over_time":
                value = count;
                return true;
            case "bytes_over_time":
                value = acc.Sum(k);
                return true;
            case "bytes_rate":
                value = acc.Sum(k) / rangeSeconds;
                return true;
            case "rate":
                value = (_kind == RangeKind.Additive ? count : acc.Sum(k)) / rangeSeconds;
                return true;
            case "sum_over_time":
                value = acc.Sum(k);
                return true;
            case "avg_over_time":
                value = acc.Sum(k) / count;
                return true;
            case "min_over_time" or "max_over_time" or "first_over_time" or "last_over_time":
                value = acc.Value(k);
                return true;
            case "stdvar_over_time":
                value = acc.SquaredDeviations(k) / count;
                return true;
            case "stddev_over_time":
                value = Math.Sqrt(acc.SquaredDeviations(k) / count);
                return true;
            case "quantile_over_time":
                value = Quantile(_expr.Parameter ?? 0, acc.Values(k)!);
                return true;
            case "rate_counter":
                return TryCounterRate(acc.Samples(k)!, _grid.Time(k) - _offsetNs, rangeSeconds, out value);
            default:
                return false;
        }
    }

    /// <summary>Prometheus' quantile: linear interpolation between the closest ranks.</summary>
    internal static double Quantile(double q, List<double> samples)
    {
        if (samples.Count == 0 || double.IsNaN(q))
        {
            return double.NaN;
        }

        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        // The window's list is not needed afterwards: reorder it in place. Only the two ranks
        // around q matter, so a selection (linear on average) replaces a full sort. NaN sorts
        // before every number (as Array.Sort orders doubles): NaNs go to the front first, and the
        // selection then compares plain numbers.
        var values = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(samples);
        var n = values.Length;
        var nans = 0;
        for (var i = 0; i < n; i++)
        {
            if (double.IsNaN(values[i]))
            {
                (values[i], values[nans]) = (values[nans], values[i]);
                nans++;
            }
        }

        var rank = q * (n - 1);
        var lower = Math.Max(0, (int)Math.Floor(rank));
        var upper = Math.Min(n - 1, lower + 1);
        var weight = rank - Math.Floor(rank);
        var numbers = values[nans..];
        var lowerValue = lower < nans ? double.NaN : QuantileSelection.Select(numbers, lower - nans);
        var upperValue = upper == lower ? lowerValue
            : upper < nans ? double.NaN
            : lower < nans ? QuantileSelection.Select(numbers, upper - nans)
            : QuantileSelection.Min(numbers[(lower - nans + 1)..]);
        return (lowerValue * (1 - weight)) + (upperValue * weight);
    }

    /// <summary>Prometheus' extrapolated rate of a counter (resets add the value before the reset).</summary>
    private bool TryCounterRate(List<(long Ts, double Value)> samples, long rangeEnd, double rangeSeconds, out double rate)
    {
        rate = 0;
        if (samples.Count < 2)
        {
            return false;
        }

        samples.Sort(static (a, b) => a.Ts.CompareTo(b.Ts));
        var first = samples[0];
        var last = samples[^1];
        var result = last.Value - first.Value;
        for (var i = 1; i < samples.Count; i++)
        {
            if (samples[i].Value < samples[i - 1].Value)
            {
                result += samples[i - 1].Value;
            }
        }

        var rangeStart = rangeEnd - _rangeNs;
        var toStart = (first.Ts - rangeStart) / (double)UnixNanos.PerSecond;
        var toEnd = (rangeEnd - last.Ts) / (double)UnixNanos.PerSecond;
        var sampled = (last.Ts - first.Ts) / (double)UnixNanos.PerSecond;
        if (sampled <= 0)
        {
            return false;
        }

        var average = sampled / (samples.Count - 1);
        if (result > 0 && first.Value >= 0)
        {
            var toZero = sampled * (first.Value / result);
            if (toZero < toStart)
            {
                toStart = toZero;
            }
        }

        var threshold = average * 1.1;
        var interval = sampled;
        interval += toStart < threshold ? toStart : average / 2;
        interval += toEnd < threshold ? toEnd : average / 2;
        rate = result * (interval / sampled) / rangeSeconds;
        return true;
    }

    /// <summary>1 at the steps where no series had a sample, labelled by the selector's equality matchers.</summary>
    private Series Absent(IEnumerable<RangeSeries> all)
    {
        var list = new List<LabelPair>();
        foreach (var m in _expr.Range.Selector.Matchers)
        {
            if (m.Type == Runestone.Core.Labels.MatchType.Equal && list.TrueForAll(p => p.Name != m.Name))
            {
                list.Add(new LabelPair(m.Name, m.Value));
            }
        }

        var series = new Series(LabelSet.FromList(list), _grid.Count);
        var present = new bool[_grid.Count];
        foreach (var acc in all)
        {
            acc.Complete();
            for (var k = 0; k < _grid.Count; k++)
            {
                present[k] |= acc.Count(k) > 0;
            }
        }

        for (var k = 0; k < _grid.Count; k++)
        {
            if (!present[k])
            {
                series.Set(k, 1);
            }
        }

        return series;
    }
}
