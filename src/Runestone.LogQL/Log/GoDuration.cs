using Runestone.Core.Time;

namespace Runestone.LogQL.Log;

/// <summary>Go's <c>time.ParseDuration</c> for label values: a unit is required except for "0".</summary>
internal static class GoDuration
{
    public static bool TryParseSeconds(string text, out double seconds)
    {
        seconds = 0;
        var t = text.AsSpan().Trim();
        if (t.IsEmpty)
        {
            return false;
        }

        var last = t[^1];
        if (char.IsAsciiDigit(last) || last == '.')
        {
            // Go accepts a bare "0" only.
            return t is "0" or "+0" or "-0";
        }

        if (!DurationText.TryParse(t, out var duration))
        {
            return false;
        }

        seconds = duration.Ticks / (double)TimeSpan.TicksPerSecond;
        return true;
    }
}
