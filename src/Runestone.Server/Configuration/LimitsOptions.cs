namespace Runestone.Server.Configuration;

/// <summary>
/// The <c>limits_config</c> block, with Loki's names and defaults (Loki 3.x documentation). Sizes
/// are in bytes, rates in bytes per second, except the two <c>*_mb</c> settings which, as in Loki,
/// are in MiB (1 MB = 1048576 bytes).
/// </summary>
public sealed record LimitsOptions
{
    /// <summary>Loki's <c>bytesInMB</c>: the *_mb settings count binary megabytes.</summary>
    public const long BytesPerMB = 1 << 20;

    /// <summary><c>ingestion_rate_mb</c>: per-tenant ingestion rate (line and structured-metadata bytes per second). 0 disables.</summary>
    public double IngestionRateMB { get; init; } = 4;

    /// <summary><c>ingestion_burst_size_mb</c>: per-tenant burst above the rate.</summary>
    public double IngestionBurstSizeMB { get; init; } = 6;

    /// <summary><c>max_label_name_length</c>.</summary>
    public int MaxLabelNameLength { get; init; } = 1024;

    /// <summary><c>max_label_value_length</c>.</summary>
    public int MaxLabelValueLength { get; init; } = 2048;

    /// <summary><c>max_label_names_per_series</c> (Loki 3.x: 15; Loki 2.x defaulted to 30).</summary>
    public int MaxLabelNamesPerSeries { get; init; } = 15;

    /// <summary><c>reject_old_samples</c>.</summary>
    public bool RejectOldSamples { get; init; } = true;

    /// <summary><c>reject_old_samples_max_age</c>.</summary>
    public TimeSpan RejectOldSamplesMaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary><c>creation_grace_period</c>: how far in the future an entry may be.</summary>
    public TimeSpan CreationGracePeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>max_line_size</c> in bytes (Loki's "256KB" = 262144). 0 means no limit.</summary>
    public long MaxLineSize { get; init; } = 256 * 1024;

    /// <summary><c>max_line_size_truncate</c>: truncate lines over <see cref="MaxLineSize"/> instead of refusing them.</summary>
    public bool MaxLineSizeTruncate { get; init; }

    /// <summary><c>per_stream_rate_limit</c> in bytes per second ("3MB"). 0 disables.</summary>
    public long PerStreamRateLimit { get; init; } = 3 << 20;

    /// <summary><c>per_stream_rate_limit_burst</c> in bytes ("15MB").</summary>
    public long PerStreamRateLimitBurst { get; init; } = 15 << 20;

    /// <summary><c>max_global_streams_per_user</c>: active streams per tenant. 0 disables.</summary>
    public int MaxGlobalStreamsPerUser { get; init; } = 5000;

    /// <summary><c>max_entries_limit_per_query</c>.</summary>
    public int MaxEntriesLimitPerQuery { get; init; } = 5000;

    /// <summary><c>max_query_series</c>.</summary>
    public int MaxQuerySeries { get; init; } = 500;

    /// <summary><c>max_query_length</c>: the longest <c>end - start</c> a query may span. 0 disables.</summary>
    public TimeSpan MaxQueryLength { get; init; } = TimeSpan.FromHours(721);

    /// <summary><c>query_timeout</c>.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary><c>retention_period</c>. 0 keeps data forever.</summary>
    public TimeSpan RetentionPeriod { get; init; } = TimeSpan.Zero;

    /// <summary><see cref="IngestionRateMB"/> in bytes per second.</summary>
    public double IngestionRateBytes => IngestionRateMB * BytesPerMB;

    /// <summary><see cref="IngestionBurstSizeMB"/> in bytes.</summary>
    public double IngestionBurstBytes => IngestionBurstSizeMB * BytesPerMB;
}
