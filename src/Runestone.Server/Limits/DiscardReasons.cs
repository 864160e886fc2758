namespace Runestone.Server.Limits;

/// <summary>
/// Loki's <c>reason</c> label values of <c>loki_discarded_samples_total</c> and
/// <c>loki_discarded_bytes_total</c>, one per validation rule and limit.
/// </summary>
public static class DiscardReasons
{
    public const string InvalidLabels = "invalid_labels";
    public const string MissingLabels = "missing_labels";
    public const string MaxLabelNamesPerSeries = "max_label_names_per_series";
    public const string LabelNameTooLong = "label_name_too_long";
    public const string LabelValueTooLong = "label_value_too_long";
    public const string DuplicateLabelNames = "duplicate_label_names";
    public const string LineTooLong = "line_too_long";
    public const string GreaterThanMaxSampleAge = "greater_than_max_sample_age";
    public const string TooFarInFuture = "too_far_in_future";
    public const string RateLimited = "rate_limited";
    public const string PerStreamRateLimit = "per_stream_rate_limit";
    public const string StreamLimit = "stream_limit";
}
