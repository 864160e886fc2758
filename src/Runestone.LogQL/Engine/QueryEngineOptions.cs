namespace Runestone.LogQL.Engine;

/// <summary>Limits of the query engine, with Loki's defaults (<c>limits_config</c>).</summary>
public sealed record QueryEngineOptions
{
    /// <summary><c>max_entries_limit_per_query</c>: the largest <c>limit</c> a log query may ask for.</summary>
    public int MaxEntriesLimitPerQuery { get; init; } = 5000;

    /// <summary><c>max_query_series</c>: the most series a metric query may return.</summary>
    public int MaxQuerySeries { get; init; } = 500;

    /// <summary><c>max_query_length</c>: the longest time range a query may cover (30d1h).</summary>
    public TimeSpan MaxQueryLength { get; init; } = TimeSpan.FromHours(721);

    /// <summary><c>max_query_parallelism</c>: streams evaluated at once (further capped by the CPU count).</summary>
    public int MaxQueryParallelism { get; init; } = 32;

    /// <summary>The most steps a range query may evaluate (Loki's 11000 points per series).</summary>
    public long MaxPointsPerSeries { get; init; } = 11000;
}
