using System.Globalization;
using System.Text;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>metrics</c>: counters, gauges and histograms from extracted values, labelled by the entry's stream labels.</summary>
public sealed class MetricsStage(IReadOnlyList<MetricsStage.Definition> definitions, StageContext context) : Stage
{
    public override string Name => "metrics";

    protected override bool Apply(PipelineEntry entry)
    {
        var now = context.Clock.GetUtcNow();
        foreach (var d in definitions)
        {
            entry.Extracted.TryGetValue(d.Source, out var value);
            switch (d.Type)
            {
                case CustomMetrics.Kind.Counter:
                    if (d.MatchAll)
                    {
                        var inc = d.CountEntryBytes ? Encoding.UTF8.GetByteCount(entry.Line) : 1;
                        context.Metrics.Update(d.FullName, entry.Labels, v => v + inc, 0, now);
                        break;
                    }

                    if (value is null || (d.Value is not null && value != d.Value))
                    {
                        break;
                    }

                    if (d.Action == "inc")
                    {
                        context.Metrics.Update(d.FullName, entry.Labels, v => v + 1, 0, now);
                    }
                    else if (TryNumber(value, out var add) && add >= 0)
                    {
                        context.Metrics.Update(d.FullName, entry.Labels, v => v + add, 0, now);
                    }

                    break;
                case CustomMetrics.Kind.Gauge:
                    if (value is null || (d.Value is not null && value != d.Value))
                    {
                        break;
                    }

                    TryNumber(value, out var n);
                    Func<double, double>? op = d.Action switch
                    {
                        "set" => _ => n,
                        "inc" => v => v + 1,
                        "dec" => v => v - 1,
                        "add" => v => v + n,
                        "sub" => v => v - n,
                        _ => null,
                    };
                    if (op is not null && (d.Action is "inc" or "dec" || TryNumber(value, out _)))
                    {
                        context.Metrics.Update(d.FullName, entry.Labels, op, 0, now);
                    }

                    break;
                case CustomMetrics.Kind.Histogram:
                    if (value is not null && (d.Value is null || value == d.Value) && TryNumber(value, out var obs))
                    {
                        context.Metrics.Update(d.FullName, entry.Labels, v => v, obs, now);
                    }

                    break;
            }
        }

        return true;
    }

    private static bool TryNumber(string text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        if (Runestone.Core.Time.DurationText.TryParse(text, out var d))
        {
            value = d.TotalSeconds;
            return true;
        }

        return false;
    }

    /// <summary>One metric of the stage's config.</summary>
    public sealed record Definition(string FullName, CustomMetrics.Kind Type, string Source, string? Value, string Action, bool MatchAll, bool CountEntryBytes);
}
