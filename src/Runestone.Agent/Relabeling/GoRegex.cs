using System.Text;
using System.Text.RegularExpressions;

namespace Runestone.Agent.Relabeling;

/// <summary>
/// Go RE2 patterns on .NET's engine: <c>(?P&lt;name&gt;…)</c> becomes <c>(?&lt;name&gt;…)</c>, and
/// Go's <c>Regexp.Expand</c> template rules (<c>$1</c>, <c>${1}</c>, <c>$name</c>, <c>${name}</c>, <c>$$</c>).
/// </summary>
public static class GoRegex
{
    public static Regex Compile(string pattern, bool anchored)
    {
        var translated = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
        if (anchored)
        {
            translated = "^(?:" + translated + ")$";
        }

        return new Regex(translated, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(5));
    }

    /// <summary>Expands a Go replacement template against a match.</summary>
    public static string Expand(string template, Match match)
    {
        if (template.IndexOf('$', StringComparison.Ordinal) < 0)
        {
            return template;
        }

        var sb = new StringBuilder(template.Length + 16);
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c != '$')
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (i + 1 < template.Length && template[i + 1] == '$')
            {
                sb.Append('$');
                i += 2;
                continue;
            }

            string? name = null;
            var next = i + 1;
            if (next < template.Length && template[next] == '{')
            {
                var close = template.IndexOf('}', next + 1);
                if (close > next + 1 && IsName(template.AsSpan(next + 1, close - next - 1)))
                {
                    name = template.Substring(next + 1, close - next - 1);
                    next = close + 1;
                }
            }
            else
            {
                var end = next;
                while (end < template.Length && (char.IsAsciiLetterOrDigit(template[end]) || template[end] == '_'))
                {
                    end++;
                }

                if (end > next)
                {
                    name = template[next..end];
                    next = end;
                }
            }

            if (name is null)
            {
                sb.Append('$');
                i++;
                continue;
            }

            sb.Append(GroupValue(match, name));
            i = next;
        }

        return sb.ToString();
    }

    private static bool IsName(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static string GroupValue(Match match, string name)
    {
        if (int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            var g = number < match.Groups.Count ? match.Groups[number] : null;
            return g is { Success: true } ? g.Value : string.Empty;
        }

        var named = match.Groups[name];
        return named.Success ? named.Value : string.Empty;
    }
}
