using Runestone.LogQL.Metric;

namespace Runestone.LogQL.Tests;

/// <summary>quantile_over_time selects the two ranks around q instead of sorting; it must agree with sorting.</summary>
public sealed class QuantileTests
{
    public static TheoryData<double> Quantiles => new() { 0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1 };

    [Theory]
    [MemberData(nameof(Quantiles))]
    public void Selection_agrees_with_sorting_on_random_windows(double q)
    {
        var random = new Random(11);
        for (var round = 0; round < 300; round++)
        {
            var n = 1 + random.Next(round < 100 ? 20 : 3000);
            var samples = new List<double>(n);
            for (var i = 0; i < n; i++)
            {
                samples.Add((random.Next(12)) switch
                {
                    0 => double.NaN,
                    1 => double.PositiveInfinity,
                    2 => double.NegativeInfinity,
                    3 => -0.0,
                    4 => 7, // repeats
                    _ => Math.Round(random.NextDouble() * 1000, random.Next(3)),
                });
            }

            var expected = Sorted(q, samples);
            var actual = RangeEvaluator.Quantile(q, [.. samples]);
            Assert.True(expected.Equals(actual), $"n={n} q={q}: expected {expected}, got {actual}");
        }
    }

    [Fact]
    public void Already_sorted_and_reversed_windows_are_answered()
    {
        var ascending = Enumerable.Range(0, 100_000).Select(i => (double)i).ToList();
        Assert.Equal(98_999.01, RangeEvaluator.Quantile(0.99, [.. ascending]), 6);
        ascending.Reverse();
        Assert.Equal(98_999.01, RangeEvaluator.Quantile(0.99, ascending), 6);
        Assert.Equal(5, RangeEvaluator.Quantile(0.5, [.. Enumerable.Repeat(5.0, 10_000)]));
    }

    // The reference: Prometheus' definition over a fully sorted copy.
    private static double Sorted(double q, List<double> samples)
    {
        var values = samples.ToArray();
        Array.Sort(values);
        var rank = q * (values.Length - 1);
        var lower = Math.Max(0, (int)Math.Floor(rank));
        var upper = Math.Min(values.Length - 1, lower + 1);
        var weight = rank - Math.Floor(rank);
        return (values[lower] * (1 - weight)) + (values[upper] * weight);
    }
}
