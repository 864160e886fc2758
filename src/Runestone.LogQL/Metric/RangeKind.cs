namespace Runestone.LogQL.Metric;

/// <summary>How a range aggregation accumulates its window.</summary>
internal enum RangeKind
{
    /// <summary>count/bytes/rate of lines: sums added to every window a sample falls in, via a difference array.</summary>
    Additive,

    /// <summary>sum_over_time, rate over unwrap, avg_over_time: sum and count per step.</summary>
    Sum,

    Min,
    Max,
    First,
    Last,

    /// <summary>stddev/stdvar: Welford's running mean and squared deviations.</summary>
    Variance,

    /// <summary>rate_counter keeps the window's samples with their timestamps.</summary>
    Samples,

    /// <summary>quantile_over_time keeps only the window's values (half the memory of samples).</summary>
    Values,
}
