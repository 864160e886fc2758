using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Runestone.Core.Labels;

/// <summary>Label syntax rules and the text form of label sets (<c>{a="b", c="d"}</c>).</summary>
public static class LabelText
{
    /// <summary>Prometheus label name rule: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Appends a value quoted and escaped the way Go's <c>strconv.Quote</c> does for printable text.</summary>
    public static void AppendQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>
    /// Parses the label-set text of the push API and of series responses: <c>{name="value", ...}</c>
    /// with only equality pairs. Returns false with a one-line reason on bad syntax.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out LabelSet? labels, [NotNullWhen(false)] out string? error)
    {
        labels = null;
        var s = text.AsSpan().Trim();
        if (s.Length < 2 || s[0] != '{' || s[^1] != '}')
        {
            error = $"labels must be of the form {{name=\"value\", ...}}, got '{Truncate(text)}'";
            return false;
        }

        var list = new List<LabelPair>();
        var pos = 1;
        var end = s.Length - 1;
        while (true)
        {
            SkipSpaces(s, ref pos, end);
            if (pos >= end)
            {
                break;
            }

            var nameStart = pos;
            while (pos < end && s[pos] != '=' && s[pos] != ' ')
            {
                pos++;
            }

            var name = s[nameStart..pos].ToString();
            if (!IsValidName(name))
            {
                error = $"invalid label name '{Truncate(name)}' in '{Truncate(text)}': names must match [a-zA-Z_][a-zA-Z0-9_]*";
                return false;
            }

            SkipSpaces(s, ref pos, end);
            if (pos >= end || s[pos] != '=')
            {
                error = $"expected '=' after label name '{name}' in '{Truncate(text)}'";
                return false;
            }

            pos++;
            SkipSpaces(s, ref pos, end);
            if (!TryReadQuoted(s, ref pos, end, out var value))
            {
                error = $"expected a quoted value for label '{name}' in '{Truncate(text)}'";
                return false;
            }

            foreach (var existing in list)
            {
                if (existing.Name == name)
                {
                    error = $"duplicate label name '{name}' in '{Truncate(text)}'";
                    return false;
                }
            }

            list.Add(new LabelPair(name, value));
            SkipSpaces(s, ref pos, end);
            if (pos >= end)
            {
                break;
            }

            if (s[pos] != ',')
            {
                error = $"expected ',' or '}}' after label '{name}' in '{Truncate(text)}'";
                return false;
            }

            pos++;
        }

        labels = LabelSet.FromList(list);
        error = null;
        return true;
    }

    private static void SkipSpaces(ReadOnlySpan<char> s, ref int pos, int end)
    {
        while (pos < end && char.IsWhiteSpace(s[pos]))
        {
            pos++;
        }
    }

    private static bool TryReadQuoted(ReadOnlySpan<char> s, ref int pos, int end, out string value)
    {
        value = string.Empty;
        if (pos >= end || (s[pos] != '"' && s[pos] != '`'))
        {
            return false;
        }

        var quote = s[pos++];
        var sb = new StringBuilder();
        while (pos < end)
        {
            var c = s[pos++];
            if (c == quote)
            {
                value = sb.ToString();
                return true;
            }

            if (c == '\\' && quote == '"' && pos < end)
            {
                var e = s[pos++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '\\': sb.Append('\\'); break;
                    case '"': sb.Append('"'); break;
                    case '\'': sb.Append('\''); break;
                    case 'x' when pos + 2 <= end && int.TryParse(s.Slice(pos, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex):
                        sb.Append((char)hex);
                        pos += 2;
                        break;
                    case 'u' when pos + 4 <= end && int.TryParse(s.Slice(pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                        sb.Append((char)code);
                        pos += 4;
                        break;
                    default: sb.Append('\\').Append(e); break;
                }
            }
            else
            {
                sb.Append(c);
            }
        }

        return false;
    }

    private static string Truncate(ReadOnlySpan<char> text) => text.Length <= 120 ? text.ToString() : string.Concat(text[..117], "...");
}
