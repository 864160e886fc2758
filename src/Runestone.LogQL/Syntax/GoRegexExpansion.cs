using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// Go's <c>Regexp.Expand</c> replacement rules on a .NET match: <c>$1</c>, <c>${1}</c>, <c>$name</c>,
/// <c>${name}</c> and <c>$$</c>. They differ from .NET's: in <c>$1x</c> Go reads the group name
/// <c>1x</c> (which does not exist, so it expands to nothing). Used by Prometheus relabeling and by
/// the templates' <c>regexReplaceAll</c>.
/// </summary>
public static class GoRegexExpansion
{
    /// <summary>Expands <paramref name="template"/> against <paramref name="match"/>.</summary>
    public static string Expand(string template, Match match)
    {
        if (!template.Contains('$', StringComparison.Ordinal))
        {
            return template;
        }

        var sb = new StringBuilder(template.Length + 16);
        Append(sb, template, match);
        return sb.ToString();
    }

    /// <summary>Appends the expansion of <paramref name="template"/> to <paramref name="output"/>.</summary>
    public static void Append(StringBuilder output, string template, Match match)
    {
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c != '$')
            {
                output.Append(c);
                i++;
                continue;
            }

            if (i + 1 < template.Length && template[i + 1] == '$')
            {
                output.Append('$');
                i += 2;
                continue;
            }

            if (!TryReadName(template, i + 1, out var nameStart, out var nameLength, out var next))
            {
                // A '$' that starts no name is kept as it is.
                output.Append('$');
                i++;
                continue;
            }

            AppendGroup(output, match, template.AsSpan(nameStart, nameLength));
            i = next;
        }
    }

    /// <summary>A name is <c>{letters, digits, _}</c> in braces, or the longest such run after the '$'.</summary>
    private static bool TryReadName(string template, int at, out int start, out int length, out int next)
    {
        if (at < template.Length && template[at] == '{')
        {
            var close = template.IndexOf('}', at + 1);
            start = at + 1;
            length = close - start;
            next = close + 1;
            return close > at + 1 && IsName(template.AsSpan(start, length));
        }

        var end = at;
        while (end < template.Length && IsNameChar(template[end]))
        {
            end++;
        }

        start = at;
        length = end - at;
        next = end;
        return length > 0;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsName(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!IsNameChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static void AppendGroup(StringBuilder output, Match match, ReadOnlySpan<char> name)
    {
        Group? group;
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            group = number < match.Groups.Count ? match.Groups[number] : null;
        }
        else
        {
            group = match.Groups[name.ToString()];
        }

        if (group is { Success: true })
        {
            output.Append(group.ValueSpan);
        }
    }
}
