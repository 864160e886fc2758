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

    /// <summary>quantile_over_time and rate_counter keep the window's samples.</summary>
    Samples,
}
