namespace Runestone.LogQL.Log;

/// <summary>
/// Go's <c>time.ParseDuration</c> for label values (unwrap <c>duration()</c>, duration label
/// filters, the <c>duration</c> template function): a signed sequence of decimal numbers, each
/// with an optional fraction and a unit out of ns, us (µs, μs), ms, s, m, h; a unit is required
/// except for "0". Computed in whole nanoseconds like Go, without allocating, since it runs per line.
/// </summary>
internal static class GoDuration
{
    public static bool TryParseSeconds(string text, out double seconds)
    {
        seconds = 0;
        if (!TryParseNanoseconds(text.AsSpan().Trim(), out var ns))
        {
            return false;
        }

        seconds = ns / 1e9;
        return true;
    }

    private static bool TryParseNanoseconds(ReadOnlySpan<char> s, out long total)
    {
        total = 0;
        var negative = false;
        if (!s.IsEmpty && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        ulong sum = 0;
        while (!s.IsEmpty)
        {
            // The integer part, then an optional fraction; at least one digit in all.
            var i = 0;
            ulong whole = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (whole > (ulong.MaxValue - 9) / 10)
                {
                    return false;
                }

                whole = (whole * 10) + (ulong)(s[i] - '0');
                i++;
            }

            var digits = i;
            ulong fraction = 0;
            double scale = 1;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    // Digits past what a ulong holds cannot change the nanoseconds.
                    if (fraction <= (ulong.MaxValue - 9) / 10)
                    {
                        fraction = (fraction * 10) + (ulong)(s[i] - '0');
                        scale *= 10;
                    }

                    i++;
                    digits++;
                }
            }

            if (digits == 0)
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            ulong unit = s[unitStart..i] switch
            {
                "ns" => 1,
                "us" or "\u00b5s" or "\u03bcs" => 1_000,
                "ms" => 1_000_000,
                "s" => 1_000_000_000,
                "m" => 60_000_000_000,
                "h" => 3_600_000_000_000,
                _ => 0,
            };

            if (unit == 0 || whole > (ulong)long.MaxValue / unit)
            {
                return false;
            }

            var value = (whole * unit) + (ulong)(fraction * (unit / scale));
            sum += value;
            if (sum > (ulong)long.MaxValue)
            {
                return false;
            }

            s = s[i..];
        }

        total = negative ? -(long)sum : (long)sum;
        return true;
    }
}
