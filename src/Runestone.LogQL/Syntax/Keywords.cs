namespace Runestone.LogQL.Syntax;

/// <summary>Token names of LogQL keywords in error messages (Loki's grammar names keywords by their upper-cased text).</summary>
internal static class Keywords
{
    private static readonly HashSet<string> s_keywords =
    [
        "by", "without", "bool", "on", "ignoring", "group_left", "group_right", "offset", "and", "or", "unless",
        "json", "logfmt", "regexp", "pattern", "unpack", "line_format", "label_format", "unwrap", "drop", "keep",
        "decolorize", "ip", "vector", "label_replace", "sum", "avg", "min", "max", "count", "stddev", "stdvar",
        "topk", "bottomk", "sort", "sort_desc",
        "count_over_time", "rate", "rate_counter", "bytes_over_time", "bytes_rate", "absent_over_time",
        "sum_over_time", "avg_over_time", "min_over_time", "max_over_time", "stddev_over_time",
        "stdvar_over_time", "quantile_over_time", "first_over_time", "last_over_time",
    ];

    public static string Describe(string identifier) =>
        s_keywords.Contains(identifier) ? identifier.ToUpperInvariant() : "IDENTIFIER";
}
