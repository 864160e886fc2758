using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Metric;

/// <summary>
/// The labels a range aggregation actually needs when it groups <c>by</c> a list: the grouping,
/// every label a filter tests and the unwrapped label. Parsers given these hints skip every other
/// key (Loki's parser hints). Null when all labels matter: no <c>by</c> grouping, or a stage that
/// reads or rewrites arbitrary labels (line_format, label_format, drop, keep).
/// </summary>
internal static class LabelHints
{
    public static HashSet<string>? For(LogRangeExpr range, Grouping? grouping)
    {
        if (grouping is null || grouping.Without)
        {
            return null;
        }

        var hints = new HashSet<string>(grouping.Labels, StringComparer.Ordinal);
        foreach (var stage in range.Selector.Stages)
        {
            switch (stage)
            {
                case LineFormatStage or LabelFormatStage or DropStage or KeepStage:
                    return null;
                case LabelFilterStage filter:
                    Collect(filter.Filter, hints);
                    break;
            }
        }

        if (range.Unwrap is { } unwrap)
        {
            hints.Add(unwrap.Label);
            foreach (var filter in unwrap.PostFilters)
            {
                Collect(filter, hints);
            }
        }

        return hints;
    }

    private static void Collect(LabelFilterExpr filter, HashSet<string> hints)
    {
        switch (filter)
        {
            case BinaryLabelFilter b:
                Collect(b.Left, hints);
                Collect(b.Right, hints);
                break;
            case StringLabelFilter s:
                hints.Add(s.Matcher.Name);
                break;
            case NumericLabelFilter n:
                hints.Add(n.Name);
                break;
            case DurationLabelFilter d:
                hints.Add(d.Name);
                break;
            case BytesLabelFilter b:
                hints.Add(b.Name);
                break;
            case IpLabelFilter ip:
                hints.Add(ip.Name);
                break;
        }
    }
}
