namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// <c>timestamp</c>: parses an extracted value with a Go layout (then the fallback formats); on
/// failure with <c>action_on_failure: fudge</c> the entry gets the stream's last timestamp + 1ns.
/// </summary>
public sealed class TimestampStage(string source, GoTimeFormat format, IReadOnlyList<GoTimeFormat> fallbacks, TimeZoneInfo? location, bool fudge, StageContext context) : Stage
{
    private readonly Dictionary<string, long> _lastKnown = new(StringComparer.Ordinal);

    public override string Name => "timestamp";

    protected override bool Apply(PipelineEntry entry)
    {
        if (!entry.Extracted.TryGetValue(source, out var text))
        {
            return true;
        }

        var now = context.Clock.GetUtcNow();
        if (format.TryParse(text, location, now, out var ns) || TryFallbacks(text, now, out ns))
        {
            entry.TimestampNs = ns;
            if (fudge)
            {
                _lastKnown[entry.StreamKey()] = ns;
            }
        }
        else if (fudge && _lastKnown.TryGetValue(entry.StreamKey(), out var last))
        {
            entry.TimestampNs = last + 1;
            _lastKnown[entry.StreamKey()] = last + 1;
        }

        return true;
    }

    private bool TryFallbacks(string text, DateTimeOffset now, out long ns)
    {
        foreach (var f in fallbacks)
        {
            if (f.TryParse(text, location, now, out ns))
            {
                return true;
            }
        }

        ns = 0;
        return false;
    }
}
