using System.Globalization;

namespace Runestone.Core.Time;

/// <summary>Conversions between Unix nanoseconds (Loki's time unit) and .NET time.</summary>
public static class UnixNanos
{
    public const long PerSecond = 1_000_000_000;
    public const long PerMillisecond = 1_000_000;

    public static long FromDateTimeOffset(DateTimeOffset value) => (value.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    public static DateTimeOffset ToDateTimeOffset(long nanos) => new(DateTime.UnixEpoch.Ticks + (nanos / 100), TimeSpan.Zero);

    public static long Now(TimeProvider clock) => FromDateTimeOffset(clock.GetUtcNow());

    public static long FromTimeSpan(TimeSpan span) => span.Ticks * 100;

    /// <summary>
    /// Parses a time parameter the way Loki's HTTP API does: RFC3339 / RFC3339Nano, or a Unix
    /// epoch number. An integer with more than 10 digits is taken as nanoseconds; otherwise
    /// (including a fraction) as seconds.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long nanos)
    {
        nanos = 0;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            var digits = text[0] == '-' ? text.Length - 1 : text.Length;
            nanos = digits > 10 ? integer : checked(integer * PerSecond);
            return true;
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            nanos = (long)(seconds * PerSecond);
            return true;
        }

        // DateTimeOffset keeps 100 ns ticks and rounds longer fractions: parse at most 7 digits
        // and add the nanoseconds beyond them ourselves.
        var extraNs = 0;
        var dot = text.IndexOf('.');
        var parseText = text.ToString();
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            var digits = end - dot - 1;
            if (digits > 7)
            {
                var extra = text.Slice(dot + 8, Math.Min(2, digits - 7));
                extraNs = int.Parse(extra, CultureInfo.InvariantCulture) * (extra.Length == 1 ? 10 : 1);
                parseText = string.Concat(text[..(dot + 8)], text[end..]);
            }
        }

        if (DateTimeOffset.TryParse(parseText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto))
        {
            nanos = FromDateTimeOffset(dto) + extraNs;
            return true;
        }

        return false;
    }

    /// <summary>RFC3339Nano text of a timestamp, as Loki prints it (trailing zeros trimmed).</summary>
    public static string ToRfc3339(long nanos)
    {
        var seconds = Math.DivRem(nanos, PerSecond, out var rem);
        if (rem < 0)
        {
            seconds--;
            rem += PerSecond;
        }

        var dt = DateTime.UnixEpoch.AddSeconds(seconds);
        var text = dt.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (rem == 0)
        {
            return text + "Z";
        }

        var fraction = rem.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return text + "." + fraction + "Z";
    }
}
