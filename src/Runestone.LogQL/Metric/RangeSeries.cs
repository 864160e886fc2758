namespace Runestone.LogQL.Metric;

/// <summary>
/// Per-step accumulators of one series of a range aggregation. Partial results of the same
/// series computed from different streams merge exactly (sums add, extremes compare, variance
/// states combine with Chan's formula, samples concatenate).
/// </summary>
internal sealed class RangeSeries
{
    private readonly RangeKind _kind;
    private readonly int _steps;
    private readonly double[] _count;
    private readonly double[]? _a;
    private readonly double[]? _b;
    private readonly long[]? _ts;
    private readonly List<(long Ts, double Value)>?[]? _samples;
    private readonly List<double>?[]? _values;

    public RangeSeries(RangeKind kind, int steps)
    {
        _kind = kind;
        _steps = steps;
        _count = new double[kind == RangeKind.Additive ? steps + 1 : steps];
        switch (kind)
        {
            case RangeKind.Additive:
                _a = new double[steps + 1];
                break;
            case RangeKind.Sum:
                _a = new double[steps];
                break;
            case RangeKind.Min or RangeKind.Max:
                _a = new double[steps];
                break;
            case RangeKind.First or RangeKind.Last:
                _a = new double[steps];
                _ts = new long[steps];
                break;
            case RangeKind.Variance:
                _a = new double[steps];
                _b = new double[steps];
                break;
            case RangeKind.Samples:
                _samples = new List<(long, double)>?[steps];
                break;
            case RangeKind.Values:
                _values = new List<double>?[steps];
                break;
        }
    }

    public void Add(long ts, double value, int first, int last)
    {
        switch (_kind)
        {
            case RangeKind.Additive:
                _a![first] += value;
                _a[last + 1] -= value;
                _count[first] += 1;
                _count[last + 1] -= 1;
                return;
            case RangeKind.Sum:
                for (var k = first; k <= last; k++)
                {
                    _a![k] += value;
                    _count[k]++;
                }

                return;
            case RangeKind.Min or RangeKind.Max:
                for (var k = first; k <= last; k++)
                {
                    if (_count[k] == 0 || Better(value, _a![k]))
                    {
                        _a![k] = value;
                    }

                    _count[k]++;
                }

                return;
            case RangeKind.First or RangeKind.Last:
                for (var k = first; k <= last; k++)
                {
                    if (_count[k] == 0 || (_kind == RangeKind.First ? ts < _ts![k] : ts >= _ts![k]))
                    {
                        _a![k] = value;
                        _ts![k] = ts;
                    }

                    _count[k]++;
                }

                return;
            case RangeKind.Variance:
                for (var k = first; k <= last; k++)
                {
                    // Welford: _a = mean, _b = sum of squared deviations.
                    var n = ++_count[k];
                    var delta = value - _a![k];
                    _a[k] += delta / n;
                    _b![k] += delta * (value - _a[k]);
                }

                return;
            case RangeKind.Values:
                for (var k = first; k <= last; k++)
                {
                    (_values![k] ??= []).Add(value);
                    _count[k]++;
                }

                return;
            default:
                for (var k = first; k <= last; k++)
                {
                    (_samples![k] ??= []).Add((ts, value));
                    _count[k]++;
                }

                return;
        }
    }

    private bool Better(double value, double current) =>
        double.IsNaN(current) || (_kind == RangeKind.Min ? value < current : value > current);

    public void Merge(RangeSeries other)
    {
        for (var k = 0; k < _count.Length; k++)
        {
            var n1 = _count[k];
            var n2 = other._count[k];
            switch (_kind)
            {
                case RangeKind.Additive or RangeKind.Sum:
                    _a![k] += other._a![k];
                    break;
                case RangeKind.Min or RangeKind.Max:
                    if (n2 > 0 && (n1 == 0 || Better(other._a![k], _a![k])))
                    {
                        _a![k] = other._a![k];
                    }

                    break;
                case RangeKind.First or RangeKind.Last:
                    if (n2 > 0 && (n1 == 0 || (_kind == RangeKind.First ? other._ts![k] < _ts![k] : other._ts![k] >= _ts![k])))
                    {
                        _a![k] = other._a![k];
                        _ts![k] = other._ts![k];
                    }

                    break;
                case RangeKind.Variance:
                    if (n2 > 0)
                    {
                        var n = n1 + n2;
                        var delta = other._a![k] - _a![k];
                        _b![k] += other._b![k] + (delta * delta * n1 * n2 / n);
                        _a[k] += delta * n2 / n;
                    }

                    break;
                case RangeKind.Values:
                    if (other._values![k] is { } values)
                    {
                        (_values![k] ??= []).AddRange(values);
                    }

                    break;
                default:
                    if (other._samples![k] is { } list)
                    {
                        (_samples![k] ??= []).AddRange(list);
                    }

                    break;
            }

            _count[k] = n1 + n2;
        }
    }

    /// <summary>Resolves the difference arrays of additive accumulators into per-step values.</summary>
    public void Complete()
    {
        if (_kind != RangeKind.Additive)
        {
            return;
        }

        double value = 0, count = 0;
        for (var k = 0; k < _steps; k++)
        {
            value += _a![k];
            count += _count[k];
            _a[k] = value;
            _count[k] = count;
        }
    }

    public double Count(int k) => _count[k];

    public double Sum(int k) => _a![k];

    public double Value(int k) => _a![k];

    public double SquaredDeviations(int k) => _b![k];

    public List<(long Ts, double Value)>? Samples(int k) => _samples![k];

    public List<double>? Values(int k) => _values![k];
}
