using System.Globalization;
using System.Text;

namespace Runestone.Agent.Syslog;

/// <summary>Parses RFC 5424 (<c>&lt;PRI&gt;1 TIMESTAMP HOST APP PROCID MSGID SD MSG</c>) and RFC 3164 (<c>&lt;PRI&gt;Mmm dd hh:mm:ss HOST TAG[pid]: MSG</c>).</summary>
public static class SyslogParser
{
    public static bool TryParse(string text, DateTimeOffset now, out SyslogMessage message, out string error)
    {
        message = new SyslogMessage();
        error = string.Empty;
        text = text.TrimEnd('\n', '\r', '\0');
        if (text.Length < 3 || text[0] != '<')
        {
            error = "expecting a priority value within angle brackets";
            return false;
        }

        var close = text.IndexOf('>', StringComparison.Ordinal);
        if (close < 2 || close > 4 || !int.TryParse(text.AsSpan(1, close - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var pri) || pri > 191)
        {
            error = "expecting a priority value in the range 1-191 or equal to 0";
            return false;
        }

        var rest = text[(close + 1)..];
        if (rest.Length >= 2 && char.IsAsciiDigit(rest[0]) && rest[1] == ' ')
        {
            return TryParse5424(pri, rest, out message, out error);
        }

        message = Parse3164(pri, rest, now);
        return true;
    }

    private static bool TryParse5424(int pri, string s, out SyslogMessage message, out string error)
    {
        message = new SyslogMessage();
        error = string.Empty;
        var pos = 2;
        string? Field()
        {
            var end = s.IndexOf(' ', pos);
            if (end < 0)
            {
                end = s.Length;
            }

            var f = s[pos..end];
            pos = Math.Min(s.Length, end + 1);
            return f == "-" ? null : f;
        }

        var ts = Field();
        DateTimeOffset? time = null;
        if (ts is not null)
        {
            if (!DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                error = $"invalid RFC 5424 timestamp '{ts}'";
                return false;
            }

            time = parsed;
        }

        var host = Field();
        var app = Field();
        var proc = Field();
        var msgId = Field();
        var sd = new List<(string, List<KeyValuePair<string, string>>)>();
        if (pos < s.Length && s[pos] == '-')
        {
            pos = Math.Min(s.Length, pos + 2);
        }
        else
        {
            while (pos < s.Length && s[pos] == '[')
            {
                pos++;
                var idEnd = pos;
                while (idEnd < s.Length && s[idEnd] != ' ' && s[idEnd] != ']')
                {
                    idEnd++;
                }

                var id = s[pos..idEnd];
                pos = idEnd;
                var parameters = new List<KeyValuePair<string, string>>();
                while (pos < s.Length && s[pos] == ' ')
                {
                    pos++;
                    var eq = s.IndexOf('=', pos);
                    if (eq < 0 || eq + 1 >= s.Length || s[eq + 1] != '"')
                    {
                        error = "invalid structured data parameter";
                        return false;
                    }

                    var name = s[pos..eq];
                    pos = eq + 2;
                    var value = new StringBuilder();
                    while (pos < s.Length && s[pos] != '"')
                    {
                        if (s[pos] == '\\' && pos + 1 < s.Length && s[pos + 1] is '"' or '\\' or ']')
                        {
                            pos++;
                        }

                        value.Append(s[pos]);
                        pos++;
                    }

                    pos++;
                    parameters.Add(new(name, value.ToString()));
                }

                if (pos >= s.Length || s[pos] != ']')
                {
                    error = "structured data is not closed with ']'";
                    return false;
                }

                pos++;
                sd.Add((id, parameters));
            }

            if (pos < s.Length && s[pos] == ' ')
            {
                pos++;
            }
        }

        var msg = pos < s.Length ? s[pos..] : string.Empty;
        if (msg.StartsWith('\uFEFF'))
        {
            msg = msg[1..];
        }

        message = new SyslogMessage
        {
            Facility = pri / 8,
            Severity = pri % 8,
            Timestamp = time,
            Hostname = host,
            AppName = app,
            ProcId = proc,
            MsgId = msgId,
            StructuredData = sd,
            Message = msg,
            IsRfc5424 = true,
        };
        return true;
    }

    private static SyslogMessage Parse3164(int pri, string s, DateTimeOffset now)
    {
        DateTimeOffset? time = null;
        var pos = 0;
        if (s.Length >= 16 && s[15] == ' ' && DateTime.TryParseExact(s[..15].Replace("  ", " 0", StringComparison.Ordinal), "MMM dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            var withYear = new DateTimeOffset(now.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, TimeSpan.Zero);
            if (withYear > now.AddDays(1))
            {
                withYear = withYear.AddYears(-1);
            }

            time = withYear;
            pos = 16;
        }

        string? host = null;
        var sp = s.IndexOf(' ', pos);
        if (time is not null && sp > pos)
        {
            host = s[pos..sp];
            pos = sp + 1;
        }

        string? app = null, proc = null;
        var colon = s.IndexOf(": ", pos, StringComparison.Ordinal);
        var space = s.IndexOf(' ', pos);
        if (colon > pos && (space < 0 || colon <= space))
        {
            var tag = s[pos..colon];
            var bracket = tag.IndexOf('[', StringComparison.Ordinal);
            if (bracket > 0 && tag.EndsWith(']'))
            {
                app = tag[..bracket];
                proc = tag[(bracket + 1)..^1];
            }
            else
            {
                app = tag;
            }

            pos = colon + 2;
        }

        return new SyslogMessage
        {
            Facility = pri / 8,
            Severity = pri % 8,
            Timestamp = time,
            Hostname = host,
            AppName = app,
            ProcId = proc,
            Message = s[Math.Min(pos, s.Length)..],
        };
    }
}
