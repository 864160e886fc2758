using System.Globalization;
using System.Text;

namespace Runestone.LogQL.Templates;

/// <summary>
/// A time value of the template engine, kept in Unix nanoseconds with a zone, formatted and
/// parsed with Go's reference-time layouts (<c>2006-01-02T15:04:05.999999999Z07:00</c>).
/// </summary>
internal readonly record struct GoTime(long UnixNanos, TimeZoneInfo Zone)
{
    private static readonly string[] s_chunks =
    [
        "January", "Jan", "Monday", "Mon", "MST",
        "Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07",
        "-07:00:00", "-070000", "-07:00", "-0700", "-07",
        "2006", "002", "_2", "01", "02", "03", "04", "05", "06", "15", "PM", "pm", "1", "2", "3", "4", "5",
    ];

    public DateTimeOffset Local
    {
        get
        {
            var utc = new DateTime(DateTime.UnixEpoch.Ticks + FloorDiv(UnixNanos, 100), DateTimeKind.Utc);
            return new DateTimeOffset(utc).ToOffset(Zone.GetUtcOffset(utc));
        }
    }

    private int NanoOfSecond => (int)(UnixNanos - (FloorDiv(UnixNanos, 1_000_000_000) * 1_000_000_000));

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);

    public static GoTime FromUnixNanos(long nanos) => new(nanos, TimeZoneInfo.Utc);

    /// <summary>Go's <c>Time.String()</c>: <c>2006-01-02 15:04:05.999999999 -0700 MST</c>.</summary>
    public override string ToString() => Format("2006-01-02 15:04:05.999999999 -0700 MST");

    public string Format(string layout)
    {
        var local = Local;
        var sb = new StringBuilder(layout.Length + 8);
        var i = 0;
        while (i < layout.Length)
        {
            if (TryFraction(layout, i, out var fracLength, out var trim))
            {
                AppendFraction(sb, layout[i], fracLength, trim);
                i += fracLength + 1;
                continue;
            }

            var chunk = MatchChunk(layout, i);
            if (chunk is null)
            {
                sb.Append(layout[i++]);
                continue;
            }

            i += chunk.Length;
            var offset = local.Offset;
            switch (chunk)
            {
                case "January": sb.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(local.Month)); break;
                case "Jan": sb.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(local.Month)); break;
                case "Monday": sb.Append(local.DayOfWeek.ToString()); break;
                case "Mon": sb.Append(local.DayOfWeek.ToString()[..3]); break;
                case "MST": sb.Append(ZoneAbbreviation(offset)); break;
                case "2006": sb.Append(local.Year.ToString("D4", CultureInfo.InvariantCulture)); break;
                case "06": sb.Append((local.Year % 100).ToString("D2", CultureInfo.InvariantCulture)); break;
                case "01": sb.Append(local.Month.ToString("D2", CultureInfo.InvariantCulture)); break;
                case "1": sb.Append(local.Month.ToString(CultureInfo.InvariantCulture)); break;
                case "02": sb.Append(local.Day.ToString("D2", CultureInfo.InvariantCulture)); break;
                case "_2": sb.Append(local.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)); break;
                case "2": sb.Append(local.Day.ToString(CultureInfo.InvariantCulture)); break;
                case "002": sb.Append(local.DayOfYear.ToString("D3", CultureInfo.InvariantCulture)); break;
                case "15": sb.Append(local.Hour.ToString("D2", CultureInfo.InvariantCulture)); break;
                case "03": sb.Append(Hour12(local.Hour).ToString("D2", CultureInfo.InvariantCulture)); break;
                case "3": sb.Append(Hour12(local.Hour).ToString(CultureInfo.InvariantCulture)); break;
                case "04": sb.Append(local.Minute.ToString("D2", CultureInfo.InvariantCulture)); break;
                case "4": sb.Append(local.Minute.ToString(CultureInfo.InvariantCulture)); break;
                case "05": sb.Append(local.Second.ToString("D2", CultureInfo.InvariantCulture)); break;
                case "5": sb.Append(local.Second.ToString(CultureInfo.InvariantCulture)); break;
                case "PM": sb.Append(local.Hour >= 12 ? "PM" : "AM"); break;
                case "pm": sb.Append(local.Hour >= 12 ? "pm" : "am"); break;
                default: AppendZone(sb, chunk, offset); break;
            }
        }

        return sb.ToString();
    }

    private static int Hour12(int hour) => hour % 12 == 0 ? 12 : hour % 12;

    private string ZoneAbbreviation(TimeSpan offset)
    {
        if (Zone == TimeZoneInfo.Utc || Zone.Id is "UTC" or "Etc/UTC")
        {
            return "UTC";
        }

        var sb = new StringBuilder();
        AppendZone(sb, "-0700", offset);
        return sb.ToString();
    }

    private static void AppendZone(StringBuilder sb, string chunk, TimeSpan offset)
    {
        if (chunk[0] == 'Z' && offset == TimeSpan.Zero)
        {
            sb.Append('Z');
            return;
        }

        var abs = offset.Duration();
        sb.Append(offset < TimeSpan.Zero ? '-' : '+').Append(abs.Hours.ToString("D2", CultureInfo.InvariantCulture));
        var body = chunk.TrimStart('Z', '-');
        if (body.Length <= 2)
        {
            return;
        }

        var colon = body.Contains(':');
        if (colon)
        {
            sb.Append(':');
        }

        sb.Append(abs.Minutes.ToString("D2", CultureInfo.InvariantCulture));
        if (body.Length > 5)
        {
            if (colon)
            {
                sb.Append(':');
            }

            sb.Append(abs.Seconds.ToString("D2", CultureInfo.InvariantCulture));
        }
    }

    private static string? MatchChunk(string layout, int i)
    {
        foreach (var chunk in s_chunks)
        {
            if (string.CompareOrdinal(layout, i, chunk, 0, chunk.Length) == 0)
            {
                // "Jan" must not be the start of a longer word such as "Janet" ... Go checks only Mon/Jan/MST prefixes: keep it simple.
                return chunk;
            }
        }

        return null;
    }

    /// <summary>".000" (fixed) or ".999" (trailing zeros trimmed) fractional seconds, also with ",".</summary>
    private static bool TryFraction(string layout, int i, out int length, out bool trim)
    {
        length = 0;
        trim = false;
        if (layout[i] is not ('.' or ',') || i + 1 >= layout.Length || layout[i + 1] is not ('0' or '9'))
        {
            return false;
        }

        var digit = layout[i + 1];
        var j = i + 1;
        while (j < layout.Length && layout[j] == digit)
        {
            j++;
        }

        // Go only treats it as a fraction when no digit follows.
        if (j < layout.Length && char.IsAsciiDigit(layout[j]))
        {
            return false;
        }

        length = j - i - 1;
        trim = digit == '9';
        return true;
    }

    private void AppendFraction(StringBuilder sb, char separator, int digits, bool trim)
    {
        var text = NanoOfSecond.ToString("D9", CultureInfo.InvariantCulture)[..Math.Min(9, digits)];
        if (trim)
        {
            text = text.TrimEnd('0');
            if (text.Length == 0)
            {
                return;
            }
        }

        sb.Append(separator).Append(text);
    }

    /// <summary>Parses <paramref name="text"/> with a Go layout; the zone applies when the text has no offset.</summary>
    public static bool TryParse(string layout, string text, TimeZoneInfo zone, out GoTime time)
    {
        time = default;
        int year = 1, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos = 0;
        var pm = -1;
        TimeSpan? offset = null;
        var i = 0;
        var p = 0;
        while (i < layout.Length)
        {
            if (TryFraction(layout, i, out var fracLength, out _))
            {
                if (p < text.Length && text[p] is '.' or ',')
                {
                    p++;
                    var start = p;
                    while (p < text.Length && char.IsAsciiDigit(text[p]))
                    {
                        p++;
                    }

                    var digits = text[start..p];
                    nanos = digits.Length == 0 ? 0 : int.Parse(digits.PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
                }

                i += fracLength + 1;
                continue;
            }

            var chunk = MatchChunk(layout, i);
            if (chunk is null)
            {
                if (p >= text.Length || text[p] != layout[i])
                {
                    return false;
                }

                i++;
                p++;
                continue;
            }

            i += chunk.Length;

            // A fraction may follow seconds in the text even when the layout has none.
            switch (chunk)
            {
                case "2006": if (!Number(text, ref p, 4, 4, out year)) { return false; } break;
                case "06": if (!Number(text, ref p, 2, 2, out year)) { return false; } year += year >= 69 ? 1900 : 2000; break;
                case "01" or "1": if (!Number(text, ref p, chunk.Length, 2, out month)) { return false; } break;
                case "02" or "2": if (!Number(text, ref p, chunk.Length, 2, out day)) { return false; } break;
                case "_2":
                    if (p < text.Length && text[p] == ' ')
                    {
                        p++;
                    }

                    if (!Number(text, ref p, 1, 2, out day))
                    {
                        return false;
                    }

                    break;
                case "002": if (!Number(text, ref p, 3, 3, out var yday)) { return false; } day = yday; month = 0; break;
                case "15": if (!Number(text, ref p, 1, 2, out hour)) { return false; } break;
                case "03" or "3": if (!Number(text, ref p, chunk.Length, 2, out hour)) { return false; } break;
                case "04" or "4": if (!Number(text, ref p, chunk.Length, 2, out minute)) { return false; } break;
                case "05" or "5":
                    if (!Number(text, ref p, chunk.Length, 2, out second))
                    {
                        return false;
                    }

                    if (p + 1 < text.Length && text[p] == '.' && char.IsAsciiDigit(text[p + 1]) && !(i < layout.Length && layout[i] == '.'))
                    {
                        var start = ++p;
                        while (p < text.Length && char.IsAsciiDigit(text[p]))
                        {
                            p++;
                        }

                        nanos = int.Parse(text[start..p].PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
                    }

                    break;
                case "PM" or "pm":
                    if (p + 2 > text.Length)
                    {
                        return false;
                    }

                    pm = text.Substring(p, 2).ToUpperInvariant() switch { "PM" => 1, "AM" => 0, _ => -2 };
                    if (pm < 0)
                    {
                        return false;
                    }

                    p += 2;
                    break;
                case "January" or "Jan":
                {
                    var found = false;
                    for (var m = 1; m <= 12; m++)
                    {
                        var name = chunk == "Jan"
                            ? CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(m)
                            : CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(m);
                        if (string.Compare(text, p, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0)
                        {
                            month = m;
                            p += name.Length;
                            found = true;
                            break;
                        }
                    }

                    if (!found)
                    {
                        return false;
                    }

                    break;
                }

                case "Monday" or "Mon":
                    while (p < text.Length && char.IsAsciiLetter(text[p]))
                    {
                        p++;
                    }

                    break;
                case "MST":
                    while (p < text.Length && char.IsAsciiLetterUpper(text[p]))
                    {
                        p++;
                    }

                    break;
                default:
                    if (!ParseZone(text, ref p, chunk, out var parsed))
                    {
                        return false;
                    }

                    offset = parsed;
                    break;
            }
        }

        if (p != text.Length)
        {
            return false;
        }

        if (pm == 1 && hour < 12)
        {
            hour += 12;
        }
        else if (pm == 0 && hour == 12)
        {
            hour = 0;
        }

        try
        {
            var local = month == 0
                ? new DateTime(year, 1, 1, hour, minute, second, DateTimeKind.Unspecified).AddDays(day - 1)
                : new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
            var actualOffset = offset ?? zone.GetUtcOffset(local);
            var utcTicks = local.Ticks - actualOffset.Ticks - DateTime.UnixEpoch.Ticks;
            time = new GoTime((utcTicks * 100) + nanos, zone);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool Number(string text, ref int p, int minDigits, int maxDigits, out int value)
    {
        var start = p;
        while (p < text.Length && p - start < maxDigits && char.IsAsciiDigit(text[p]))
        {
            p++;
        }

        if (p - start < minDigits)
        {
            value = 0;
            return false;
        }

        value = int.Parse(text.AsSpan(start, p - start), CultureInfo.InvariantCulture);
        return true;
    }

    private static bool ParseZone(string text, ref int p, string chunk, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (chunk[0] == 'Z' && p < text.Length && text[p] == 'Z')
        {
            p++;
            return true;
        }

        if (p >= text.Length || text[p] is not ('+' or '-'))
        {
            return false;
        }

        var sign = text[p++] == '-' ? -1 : 1;
        if (!Number(text, ref p, 2, 2, out var hours))
        {
            return false;
        }

        var minutes = 0;
        if (chunk.TrimStart('Z', '-').Length > 2)
        {
            if (p < text.Length && text[p] == ':')
            {
                p++;
            }

            if (!Number(text, ref p, 2, 2, out minutes))
            {
                return false;
            }
        }

        offset = TimeSpan.FromMinutes(sign * ((hours * 60) + minutes));
        return true;
    }
}
