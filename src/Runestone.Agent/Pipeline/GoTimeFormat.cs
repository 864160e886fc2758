using System.Globalization;

namespace Runestone.Agent.Pipeline;

/// <summary>
/// Parses timestamps with Go reference layouts (<c>2006-01-02T15:04:05.999999999Z07:00</c>), the
/// named layouts Promtail accepts (ANSIC, RFC3339, …) and Unix/UnixMs/UnixUs/UnixNs.
/// </summary>
public sealed class GoTimeFormat
{
    private static readonly Dictionary<string, string> s_named = new(StringComparer.Ordinal)
    {
        ["ANSIC"] = "Mon Jan _2 15:04:05 2006",
        ["UnixDate"] = "Mon Jan _2 15:04:05 MST 2006",
        ["RubyDate"] = "Mon Jan 02 15:04:05 -0700 2006",
        ["RFC822"] = "02 Jan 06 15:04 MST",
        ["RFC822Z"] = "02 Jan 06 15:04 -0700",
        ["RFC850"] = "Monday, 02-Jan-06 15:04:05 MST",
        ["RFC1123"] = "Mon, 02 Jan 2006 15:04:05 MST",
        ["RFC1123Z"] = "Mon, 02 Jan 2006 15:04:05 -0700",
        ["RFC3339"] = "2006-01-02T15:04:05Z07:00",
        ["RFC3339Nano"] = "2006-01-02T15:04:05.999999999Z07:00",
        ["Kitchen"] = "3:04PM",
        ["Stamp"] = "Jan _2 15:04:05",
        ["StampMilli"] = "Jan _2 15:04:05.000",
        ["StampMicro"] = "Jan _2 15:04:05.000000",
        ["StampNano"] = "Jan _2 15:04:05.000000000",
        ["DateTime"] = "2006-01-02 15:04:05",
        ["DateOnly"] = "2006-01-02",
        ["TimeOnly"] = "15:04:05",
    };

    private static readonly string[] s_months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] s_days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private readonly List<Token> _tokens = [];
    private readonly int _unixScale;

    private GoTimeFormat(string layout)
    {
        Layout = layout;
        _unixScale = layout switch { "Unix" => 1, "UnixMs" => 2, "UnixUs" => 3, "UnixNs" => 4, _ => 0 };
        if (_unixScale == 0)
        {
            Tokenize(s_named.TryGetValue(layout, out var named) ? named : layout);
        }
    }

    public string Layout { get; }

    public static GoTimeFormat Create(string layout) => new(layout);

    /// <summary>Parses <paramref name="text"/>; a layout without zone uses <paramref name="location"/> (UTC when null).</summary>
    public bool TryParse(string text, TimeZoneInfo? location, DateTimeOffset now, out long unixNanos)
    {
        unixNanos = 0;
        text = text.Trim();
        if (_unixScale != 0)
        {
            return TryParseUnixScaled(text, out unixNanos);
        }

        int year = -1, month = 1, day = 1, hour = 0, minute = 0, second = 0;
        long nanos = 0;
        var pm = -1;
        TimeSpan? offset = null;
        var pos = 0;
        foreach (var t in _tokens)
        {
            switch (t.Kind)
            {
                case Kind.Literal:
                    if (string.CompareOrdinal(text, pos, t.Text, 0, t.Text.Length) != 0)
                    {
                        // Go accepts a fractional second after seconds even when the layout lacks it.
                        return false;
                    }

                    pos += t.Text.Length;
                    break;
                case Kind.Year4: if (!Num(text, ref pos, 4, 4, out year)) { return false; } break;
                case Kind.Year2:
                    if (!Num(text, ref pos, 2, 2, out var y2)) { return false; }
                    year = y2 >= 69 ? 1900 + y2 : 2000 + y2;
                    break;
                case Kind.Month2: if (!Num(text, ref pos, 2, 2, out month)) { return false; } break;
                case Kind.Month1: if (!Num(text, ref pos, 1, 2, out month)) { return false; } break;
                case Kind.MonthShort: if (!Name(text, ref pos, s_months, 3, out month)) { return false; } month++; break;
                case Kind.MonthLong: if (!Name(text, ref pos, s_months, 0, out month)) { return false; } month++; break;
                case Kind.Day2: if (!Num(text, ref pos, 2, 2, out day)) { return false; } break;
                case Kind.Day1: if (!Num(text, ref pos, 1, 2, out day)) { return false; } break;
                case Kind.DayUnderscore:
                    if (pos < text.Length && text[pos] == ' ') { pos++; }
                    if (!Num(text, ref pos, 1, 2, out day)) { return false; }
                    break;
                case Kind.YearDay: if (!Num(text, ref pos, 3, 3, out _)) { return false; } break;
                case Kind.WeekdayShort: if (!Name(text, ref pos, s_days, 3, out _)) { return false; } break;
                case Kind.WeekdayLong: if (!Name(text, ref pos, s_days, 0, out _)) { return false; } break;
                case Kind.Hour24: if (!Num(text, ref pos, 2, 2, out hour)) { return false; } break;
                case Kind.Hour12Pad: if (!Num(text, ref pos, 2, 2, out hour)) { return false; } break;
                case Kind.Hour12: if (!Num(text, ref pos, 1, 2, out hour)) { return false; } break;
                case Kind.Minute2: if (!Num(text, ref pos, 2, 2, out minute)) { return false; } break;
                case Kind.Minute1: if (!Num(text, ref pos, 1, 2, out minute)) { return false; } break;
                case Kind.Second2:
                case Kind.Second1:
                    if (!Num(text, ref pos, t.Kind == Kind.Second2 ? 2 : 1, 2, out second)) { return false; }
                    // A fraction in the input is accepted after seconds even when the layout has none (as Go does).
                    if (pos < text.Length && (text[pos] == '.' || text[pos] == ',') && !NextIsFraction(t) && pos + 1 < text.Length && char.IsAsciiDigit(text[pos + 1]))
                    {
                        pos++;
                        nanos = Fraction(text, ref pos, 9, exact: false);
                    }

                    break;
                case Kind.FractionExact:
                case Kind.FractionOptional:
                    if (pos < text.Length && (text[pos] == '.' || text[pos] == ','))
                    {
                        pos++;
                        nanos = Fraction(text, ref pos, t.Digits, t.Kind == Kind.FractionExact);
                        if (nanos < 0) { return false; }
                    }
                    else if (t.Kind == Kind.FractionExact)
                    {
                        return false;
                    }

                    break;
                case Kind.PmUpper:
                case Kind.PmLower:
                    if (pos + 2 > text.Length) { return false; }
                    var ampm = text.Substring(pos, 2).ToUpperInvariant();
                    if (ampm == "PM") { pm = 1; } else if (ampm == "AM") { pm = 0; } else { return false; }
                    pos += 2;
                    break;
                case Kind.ZoneName:
                {
                    var start = pos;
                    while (pos < text.Length && (char.IsAsciiLetterUpper(text[pos]) || (pos > start && (text[pos] is '+' or '-' || char.IsAsciiDigit(text[pos])))))
                    {
                        pos++;
                    }

                    if (pos - start < 3) { return false; }
                    var zone = text[start..pos];
                    if (zone is "UTC" or "GMT" or "Z")
                    {
                        offset = TimeSpan.Zero;
                    }

                    break;
                }

                case Kind.ZoneNumeric:
                {
                    if (t.AllowZ && pos < text.Length && text[pos] == 'Z')
                    {
                        pos++;
                        offset = TimeSpan.Zero;
                        break;
                    }

                    if (!Offset(text, ref pos, t.Colon, t.HoursOnly, out var off)) { return false; }
                    offset = off;
                    break;
                }
            }
        }

        if (pos != text.Length)
        {
            return false;
        }

        if (pm == 1 && hour < 12) { hour += 12; }
        if (pm == 0 && hour == 12) { hour = 0; }
        if (year == -1)
        {
            // Go leaves the year 0; Promtail then moves it into the current year.
            year = now.Year;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        var off2 = offset ?? (location is null ? TimeSpan.Zero : location.GetUtcOffset(local));
        var dto = new DateTimeOffset(local, off2);
        unixNanos = (dto.UtcTicks - DateTime.UnixEpoch.Ticks) * 100 + nanos;
        return true;
    }

    private bool NextIsFraction(Token seconds)
    {
        var i = _tokens.IndexOf(seconds);
        return i + 1 < _tokens.Count && _tokens[i + 1].Kind is Kind.FractionExact or Kind.FractionOptional;
    }

    private bool TryParseUnixScaled(string text, out long nanos)
    {
        nanos = 0;
        if (_unixScale == 1)
        {
            if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                nanos = (long)(seconds * 1_000_000_000m);
                return true;
            }

            return false;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            return false;
        }

        nanos = _unixScale switch { 2 => v * 1_000_000, 3 => v * 1_000, _ => v };
        return true;
    }

    private static bool Num(string s, ref int pos, int min, int max, out int value)
    {
        value = 0;
        var start = pos;
        while (pos < s.Length && pos - start < max && char.IsAsciiDigit(s[pos]))
        {
            value = (value * 10) + (s[pos] - '0');
            pos++;
        }

        return pos - start >= min;
    }

    private static bool Name(string s, ref int pos, string[] names, int shortLen, out int index)
    {
        for (index = 0; index < names.Length; index++)
        {
            var candidate = shortLen > 0 ? names[index][..shortLen] : names[index];
            if (string.Compare(s, pos, candidate, 0, candidate.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                pos += candidate.Length;
                return true;
            }
        }

        return false;
    }

    private static long Fraction(string s, ref int pos, int digits, bool exact)
    {
        var start = pos;
        long value = 0;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            if (pos - start < 9)
            {
                value = (value * 10) + (s[pos] - '0');
            }

            pos++;
        }

        var n = pos - start;
        if (n == 0 || (exact && n != digits))
        {
            return -1;
        }

        for (var i = Math.Min(n, 9); i < 9; i++)
        {
            value *= 10;
        }

        return value;
    }

    private static bool Offset(string s, ref int pos, bool colon, bool hoursOnly, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (pos >= s.Length || (s[pos] != '+' && s[pos] != '-'))
        {
            return false;
        }

        var sign = s[pos] == '-' ? -1 : 1;
        pos++;
        if (!Num(s, ref pos, 2, 2, out var h))
        {
            return false;
        }

        var m = 0;
        if (!hoursOnly)
        {
            if (colon)
            {
                if (pos >= s.Length || s[pos] != ':') { return false; }
                pos++;
            }

            if (!Num(s, ref pos, 2, 2, out m))
            {
                return false;
            }
        }

        offset = new TimeSpan(sign * h, sign * m, 0);
        return true;
    }

    private void Tokenize(string layout)
    {
        var i = 0;
        var literal = new System.Text.StringBuilder();
        void Add(Kind kind, int len, int digits = 0, bool colon = false, bool allowZ = false, bool hoursOnly = false)
        {
            if (literal.Length > 0)
            {
                _tokens.Add(new Token(Kind.Literal, literal.ToString()));
                literal.Clear();
            }

            _tokens.Add(new Token(kind, string.Empty) { Digits = digits, Colon = colon, AllowZ = allowZ, HoursOnly = hoursOnly });
            i += len;
        }

        bool At(string p) => string.CompareOrdinal(layout, i, p, 0, p.Length) == 0;

        while (i < layout.Length)
        {
            if (At("January")) { Add(Kind.MonthLong, 7); }
            else if (At("Jan")) { Add(Kind.MonthShort, 3); }
            else if (At("Monday")) { Add(Kind.WeekdayLong, 6); }
            else if (At("Mon")) { Add(Kind.WeekdayShort, 3); }
            else if (At("MST")) { Add(Kind.ZoneName, 3); }
            else if (At("2006")) { Add(Kind.Year4, 4); }
            else if (At("002")) { Add(Kind.YearDay, 3); }
            else if (At("01")) { Add(Kind.Month2, 2); }
            else if (At("02")) { Add(Kind.Day2, 2); }
            else if (At("_2")) { Add(Kind.DayUnderscore, 2); }
            else if (At("03")) { Add(Kind.Hour12Pad, 2); }
            else if (At("04")) { Add(Kind.Minute2, 2); }
            else if (At("05")) { Add(Kind.Second2, 2); }
            else if (At("06")) { Add(Kind.Year2, 2); }
            else if (At("15")) { Add(Kind.Hour24, 2); }
            else if (At("PM")) { Add(Kind.PmUpper, 2); }
            else if (At("pm")) { Add(Kind.PmLower, 2); }
            else if (At("Z07:00")) { Add(Kind.ZoneNumeric, 6, colon: true, allowZ: true); }
            else if (At("Z0700")) { Add(Kind.ZoneNumeric, 5, allowZ: true); }
            else if (At("Z07")) { Add(Kind.ZoneNumeric, 3, allowZ: true, hoursOnly: true); }
            else if (At("-07:00")) { Add(Kind.ZoneNumeric, 6, colon: true); }
            else if (At("-0700")) { Add(Kind.ZoneNumeric, 5); }
            else if (At("-07")) { Add(Kind.ZoneNumeric, 3, hoursOnly: true); }
            else if ((At(".0") || At(".9") || At(",0") || At(",9")) && i > 0 && FractionFollowsSeconds(layout, i))
            {
                var d = layout[i + 1];
                var n = 1;
                while (i + 1 + n < layout.Length && layout[i + 1 + n] == d)
                {
                    n++;
                }

                Add(d == '0' ? Kind.FractionExact : Kind.FractionOptional, n + 1, digits: n);
            }
            else if (At("1")) { Add(Kind.Month1, 1); }
            else if (At("2")) { Add(Kind.Day1, 1); }
            else if (At("3")) { Add(Kind.Hour12, 1); }
            else if (At("4")) { Add(Kind.Minute1, 1); }
            else if (At("5")) { Add(Kind.Second1, 1); }
            else
            {
                literal.Append(layout[i]);
                i++;
            }
        }

        if (literal.Length > 0)
        {
            _tokens.Add(new Token(Kind.Literal, literal.ToString()));
        }
    }

    private static bool FractionFollowsSeconds(string layout, int i)
    {
        // Go treats .000/.999 as a fraction only after a seconds field; elsewhere they are literal.
        var j = i + 2;
        while (j < layout.Length && layout[j] == layout[i + 1])
        {
            j++;
        }

        return j >= layout.Length || !char.IsAsciiDigit(layout[j]);
    }

    private enum Kind
    {
        Literal, Year4, Year2, Month2, Month1, MonthShort, MonthLong, Day2, Day1, DayUnderscore, YearDay,
        WeekdayShort, WeekdayLong, Hour24, Hour12Pad, Hour12, Minute2, Minute1, Second2, Second1,
        FractionExact, FractionOptional, PmUpper, PmLower, ZoneName, ZoneNumeric,
    }

    private sealed record Token(Kind Kind, string Text)
    {
        public int Digits { get; init; }

        public bool Colon { get; init; }

        public bool AllowZ { get; init; }

        public bool HoursOnly { get; init; }
    }
}
