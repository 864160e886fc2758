using System.Globalization;

namespace Runestone.Core.Time;

/// <summary>
/// Durations as Loki and Promtail accept them: Go's <c>time.ParseDuration</c> units
/// (ns, us, µs, ms, s, m, h, with fractions, e.g. <c>1h30m</c>, <c>1.5s</c>) plus
/// Prometheus' <c>d</c>, <c>w</c>, <c>y</c>. A bare number is seconds.
/// </summary>
public static class DurationText
{
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        var negative = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        if (text is "0")
        {
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bareSeconds))
        {
            duration = TimeSpan.FromSeconds(negative ? -bareSeconds : bareSeconds);
            return true;
        }

        decimal totalNs = 0;
        var pos = 0;
        while (pos < text.Length)
        {
            var start = pos;
            while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] == '.'))
            {
                pos++;
            }

            if (pos == start || !decimal.TryParse(text[start..pos], NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = pos;
            while (pos < text.Length && !char.IsAsciiDigit(text[pos]) && text[pos] != '.')
            {
                pos++;
            }

            decimal unitNs;
            switch (text[unitStart..pos])
            {
                case "ns": unitNs = 1; break;
                case "us" or "µs" or "μs": unitNs = 1_000; break;
                case "ms": unitNs = 1_000_000; break;
                case "s": unitNs = 1_000_000_000; break;
                case "m": unitNs = 60m * 1_000_000_000; break;
                case "h": unitNs = 3600m * 1_000_000_000; break;
                case "d": unitNs = 86400m * 1_000_000_000; break;
                case "w": unitNs = 7m * 86400 * 1_000_000_000; break;
                case "y": unitNs = 365m * 86400 * 1_000_000_000; break;
                default: return false;
            }

            totalNs += number * unitNs;
        }

        if (totalNs > long.MaxValue / 2)
        {
            return false;
        }

        var ticks = (long)(totalNs / 100);
        duration = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Formats like Go's <c>Duration.String</c> with Prometheus' day-free units (e.g. <c>1h30m0s</c> → <c>1h30m</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var sb = new System.Text.StringBuilder();
        if (duration < TimeSpan.Zero)
        {
            sb.Append('-');
            duration = duration.Negate();
        }

        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (duration.Minutes > 0)
        {
            sb.Append(duration.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        var subMinuteTicks = duration.Ticks % TimeSpan.TicksPerMinute;
        if (subMinuteTicks > 0)
        {
            if (subMinuteTicks % TimeSpan.TicksPerSecond == 0)
            {
                sb.Append((subMinuteTicks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)).Append('s');
            }
            else if (subMinuteTicks < TimeSpan.TicksPerSecond && subMinuteTicks % TimeSpan.TicksPerMillisecond == 0)
            {
                sb.Append((subMinuteTicks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture)).Append("ms");
            }
            else
            {
                sb.Append((subMinuteTicks / (double)TimeSpan.TicksPerSecond).ToString("0.#########", CultureInfo.InvariantCulture)).Append('s');
            }
        }

        return sb.ToString();
    }
}
