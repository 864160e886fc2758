using System.Globalization;
using System.Text;

namespace Runestone.Agent.Journal;

/// <summary>
/// The line of <c>json: true</c>: every field as one JSON object, written the way Promtail's Go
/// <c>json.Marshal</c> of a <c>map[string]string</c> writes it (keys sorted bytewise; <c>&lt; &gt; &amp;</c>,
/// U+2028 and U+2029 escaped; other non-ASCII left as UTF-8).
/// </summary>
public static class JournalJson
{
    public static string Format(IReadOnlyDictionary<string, string> fields)
    {
        var sb = new StringBuilder(256);
        sb.Append('{');
        var first = true;
        foreach (var (key, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            Quote(sb, key);
            sb.Append(':');
            Quote(sb, value);
        }

        return sb.Append('}').ToString();
    }

    private static void Quote(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: sb.Append(c); break;
            }
        }

        sb.Append('"');
    }
}
