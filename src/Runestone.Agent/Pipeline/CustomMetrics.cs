using System.Globalization;
using System.Text;
using Runestone.Core.Labels;

namespace Runestone.Agent.Pipeline;

/// <summary>
/// Metrics defined by <c>metrics</c> stages. Their label sets vary per stream, which fixed-label
/// collectors cannot express, so they are kept here and appended to <c>/metrics</c> in Prometheus text format.
/// </summary>
public sealed class CustomMetrics
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);

    public enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    public void Define(string name, Kind kind, string help, double[]? buckets, TimeSpan? maxIdle)
    {
        lock (_lock)
        {
            if (!_families.ContainsKey(name))
            {
                _families[name] = new Family(kind, help, buckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], maxIdle);
            }
        }
    }

    /// <summary>Changes one series: for counters and gauges <paramref name="op"/> is applied to the value; histograms observe.</summary>
    public void Update(string name, IReadOnlyDictionary<string, string> labels, Func<double, double> op, double observe, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_families.TryGetValue(name, out var f))
            {
                return;
            }

            var key = Key(labels);
            if (!f.Series.TryGetValue(key, out var s))
            {
                s = new Series(f.Buckets.Length);
                f.Series[key] = s;
            }

            s.LastUpdate = now;
            if (f.Kind == Kind.Histogram)
            {
                s.Count++;
                s.Value += observe;
                for (var i = 0; i < f.Buckets.Length; i++)
                {
                    if (observe <= f.Buckets[i])
                    {
                        s.Buckets[i]++;
                    }
                }
            }
            else
            {
                s.Value = op(s.Value);
            }
        }
    }

    public double? Get(string name, string labelsText)
    {
        lock (_lock)
        {
            return _families.TryGetValue(name, out var f) && f.Series.TryGetValue(labelsText, out var s) ? (f.Kind == Kind.Histogram ? s.Count : s.Value) : null;
        }
    }

    /// <summary>Writes all series in Prometheus text format, removing series idle longer than their max_idle_duration.</summary>
    public void WriteText(StringBuilder sb, DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var (name, f) in _families.OrderBy(x => x.Key, StringComparer.Ordinal))
            {
                if (f.MaxIdle is { } idle)
                {
                    foreach (var (k, s) in f.Series.ToArray())
                    {
                        if (now - s.LastUpdate > idle)
                        {
                            f.Series.Remove(k);
                        }
                    }
                }

                sb.Append("# HELP ").Append(name).Append(' ').Append(f.Help).Append('\n');
                sb.Append("# TYPE ").Append(name).Append(' ').Append(f.Kind.ToString().ToLowerInvariant()).Append('\n');
                foreach (var (labels, s) in f.Series)
                {
                    if (f.Kind != Kind.Histogram)
                    {
                        sb.Append(name).Append(labels).Append(' ').Append(Num(s.Value)).Append('\n');
                        continue;
                    }

                    for (var i = 0; i < f.Buckets.Length; i++)
                    {
                        sb.Append(name).Append("_bucket").Append(WithLe(labels, Num(f.Buckets[i]))).Append(' ').Append(s.Buckets[i]).Append('\n');
                    }

                    sb.Append(name).Append("_bucket").Append(WithLe(labels, "+Inf")).Append(' ').Append(s.Count).Append('\n');
                    sb.Append(name).Append("_sum").Append(labels).Append(' ').Append(Num(s.Value)).Append('\n');
                    sb.Append(name).Append("_count").Append(labels).Append(' ').Append(s.Count).Append('\n');
                }
            }
        }
    }

    private static string WithLe(string labels, string le) =>
        labels == "{}" ? $"{{le=\"{le}\"}}" : labels[..^1] + $",le=\"{le}\"}}";

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Key(IReadOnlyDictionary<string, string> labels)
    {
        var pairs = new List<LabelPair>(labels.Count);
        foreach (var (k, v) in labels)
        {
            if (!k.StartsWith("__", StringComparison.Ordinal))
            {
                pairs.Add(new LabelPair(k, v));
            }
        }

        return LabelSet.FromList(pairs).ToString().Replace(", ", ",", StringComparison.Ordinal);
    }

    private sealed class Family(Kind kind, string help, double[] buckets, TimeSpan? maxIdle)
    {
        public Kind Kind { get; } = kind;

        public string Help { get; } = help;

        public double[] Buckets { get; } = buckets;

        public TimeSpan? MaxIdle { get; } = maxIdle;

        public Dictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Series(int buckets)
    {
        public double Value { get; set; }

        public long Count { get; set; }

        public long[] Buckets { get; } = new long[buckets];

        public DateTimeOffset LastUpdate { get; set; }
    }
}
