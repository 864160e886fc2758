using System.Globalization;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary>Fast RFC3339Nano parsing for CRI and Docker timestamps.</summary>
public static class CriTime
{
    public static bool TryParse(ReadOnlySpan<char> s, out long unixNanos)
    {
        unixNanos = 0;
        // 2019-04-30T02:12:41.8443515Z or with an offset
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!D(s, 0, 4, out var year) || !D(s, 5, 2, out var month) || !D(s, 8, 2, out var day) ||
            !D(s, 11, 2, out var hour) || !D(s, 14, 2, out var minute) || !D(s, 17, 2, out var second))
        {
            return false;
        }

        var pos = 19;
        long frac = 0;
        if (pos < s.Length && s[pos] == '.')
        {
            pos++;
            var digits = 0;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                if (digits < 9)
                {
                    frac = (frac * 10) + (s[pos] - '0');
                    digits++;
                }

                pos++;
            }

            for (; digits < 9; digits++)
            {
                frac *= 10;
            }
        }

        var offsetMinutes = 0;
        if (pos < s.Length && s[pos] == 'Z')
        {
            pos++;
        }
        else if (pos + 6 <= s.Length && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':' && D(s, pos + 1, 2, out var oh) && D(s, pos + 4, 2, out var om))
        {
            offsetMinutes = (s[pos] == '-' ? -1 : 1) * ((oh * 60) + om);
            pos += 6;
        }
        else
        {
            return false;
        }

        if (pos != s.Length || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var dt = new DateTime(year, month, day, hour, minute, Math.Min(second, 59), DateTimeKind.Utc);
        unixNanos = ((dt.Ticks - DateTime.UnixEpoch.Ticks) * 100) + frac - (offsetMinutes * 60L * 1_000_000_000);
        return true;
    }

    private static bool D(ReadOnlySpan<char> s, int start, int len, out int value) =>
        int.TryParse(s.Slice(start, len), NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
