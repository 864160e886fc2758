using System.Text;
using System.Text.RegularExpressions;
using Runestone.Core.Logs;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Filters;

/// <summary>
/// Turns a line-filter regex into the cheapest equivalent filter: a plain literal or an
/// alternation of literals becomes a substring search (ASCII case-insensitive under a leading
/// <c>(?i)</c>); otherwise the regex runs behind a prefilter on literals every match must contain.
/// </summary>
internal static class RegexAnalysis
{
    private const string Meta = "\\.+*?()|[]{}^$";

    public static ILineFilter Build(string pattern)
    {
        var ignoreCase = pattern.StartsWith("(?i)", StringComparison.Ordinal);
        var body = ignoreCase ? pattern[4..] : pattern;
        var trimmed = TrimDotStars(body);
        if (TrySplitLiterals(trimmed, out var literals))
        {
            var simple = LiteralsFilter(literals, ignoreCase);
            if (simple is not null)
            {
                return simple;
            }
        }

        var regex = new Regex(
            RegexSyntax.ToDotNet(pattern),
            RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.Compiled);
        ILineFilter? prefilter = null;
        if (TryRequiredLiterals(body, out var required))
        {
            prefilter = RequiredFilter(required, ignoreCase);
        }

        return new RegexFilter(regex, prefilter);
    }

    /// <summary>Any alternative's literals all present (each alternative lists its required literals, longest first).</summary>
    private static ILineFilter? RequiredFilter(List<List<string>> alternatives, bool ignoreCase)
    {
        var any = new List<ILineFilter>(alternatives.Count);
        foreach (var literals in alternatives)
        {
            var all = new List<ILineFilter>(literals.Count);
            foreach (var literal in literals)
            {
                var filter = LiteralsFilter([literal], ignoreCase);
                if (filter is null)
                {
                    return null;
                }

                all.Add(filter);
            }

            any.Add(all.Count == 1 ? all[0] : new AllFilter([.. all]));
        }

        return any.Count == 1 ? any[0] : new AnyFilter([.. any]);
    }

    /// <summary>A contains-any filter for the literals, or null when case folding needs the regex (non-ASCII under (?i)).</summary>
    private static ILineFilter? LiteralsFilter(List<string> literals, bool ignoreCase)
    {
        var filters = new List<ILineFilter>(literals.Count);
        foreach (var literal in literals)
        {
            if (literal.Length == 0)
            {
                return AlwaysFilter.True;
            }

            if (ignoreCase)
            {
                if (!Ascii.IsValid(literal))
                {
                    return null;
                }

                filters.Add(HasLetter(literal)
                    ? new ContainsIgnoreCaseFilter(Encoding.ASCII.GetBytes(literal))
                    : new ContainsFilter(Encoding.ASCII.GetBytes(literal)));
            }
            else
            {
                filters.Add(new ContainsFilter(Encoding.UTF8.GetBytes(literal)));
            }
        }

        return filters.Count == 1 ? filters[0] : new AnyFilter([.. filters]);
    }

    private static bool HasLetter(string s)
    {
        foreach (var c in s)
        {
            if (char.IsAsciiLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    // ".*foo.*" finds the same lines as "foo" in an unanchored search.
    private static string TrimDotStars(string body)
    {
        while (body.StartsWith(".*", StringComparison.Ordinal) && !body.StartsWith(".*?", StringComparison.Ordinal))
        {
            body = body[2..];
        }

        while (body.EndsWith(".*", StringComparison.Ordinal) && !IsEscaped(body, body.Length - 2))
        {
            body = body[..^2];
        }

        return body;
    }

    private static bool IsEscaped(string s, int index)
    {
        var backslashes = 0;
        for (var i = index - 1; i >= 0 && s[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    /// <summary>"a|b\.c" → ["a", "b.c"] when the pattern is only literals and top-level alternation.</summary>
    private static bool TrySplitLiterals(string body, out List<string> literals)
    {
        literals = [];
        var current = new StringBuilder();
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '|')
            {
                literals.Add(current.ToString());
                current.Clear();
            }
            else if (c == '\\')
            {
                if (i + 1 >= body.Length || char.IsAsciiLetterOrDigit(body[i + 1]))
                {
                    return false;
                }

                current.Append(body[++i]);
            }
            else if (Meta.Contains(c))
            {
                return false;
            }
            else
            {
                current.Append(c);
            }
        }

        literals.Add(current.ToString());
        return true;
    }

    /// <summary>For each top-level alternative, the longest literal every match of it must contain.</summary>
    private static bool TryRequiredLiterals(string body, out List<List<string>> required)
    {
        required = [];
        for (var i = 0; i + 2 < body.Length; i++)
        {
            // Inline flags after the start, e.g. "a(?i)b", change how literals match: give up.
            if (body[i] == '(' && body[i + 1] == '?' && body[i + 2] is not (':' or '<' or 'P') && !IsEscaped(body, i))
            {
                return false;
            }
        }

        foreach (var alternative in SplitTopLevel(body))
        {
            var literals = RequiredLiterals(alternative);
            if (literals.Count == 0)
            {
                return false;
            }

            required.Add(literals);
        }

        return required.Count > 0;
    }

    private static List<string> SplitTopLevel(string body)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '\\')
            {
                i++;
            }
            else if (c == '[')
            {
                i = SkipClass(body, i) - 1;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }
            else if (c == '|' && depth == 0)
            {
                parts.Add(body[start..i]);
                start = i + 1;
            }
        }

        parts.Add(body[start..]);
        return parts;
    }

    /// <summary>The literal runs every match of the alternative contains: the longest, then others of 3+ characters.</summary>
    private static List<string> RequiredLiterals(string s)
    {
        var runs = new List<string>();
        var current = new StringBuilder();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            char literal;
            int width;
            if (c == '(')
            {
                Flush(current, runs);
                i = SkipQuantifier(s, SkipGroup(s, i));
                continue;
            }

            if (c == '[')
            {
                Flush(current, runs);
                i = SkipQuantifier(s, SkipClass(s, i));
                continue;
            }

            if (c is '.' or '^' or '$')
            {
                Flush(current, runs);
                i = SkipQuantifier(s, i + 1);
                continue;
            }

            if (c is '*' or '+' or '?' or '{' or ')' or '|')
            {
                Flush(current, runs);
                i = SkipQuantifier(s, i);
                if (i < s.Length && s[i] == c)
                {
                    i++;
                }

                continue;
            }

            if (c == '\\')
            {
                if (i + 1 >= s.Length || char.IsAsciiLetterOrDigit(s[i + 1]))
                {
                    Flush(current, runs);
                    i = SkipQuantifier(s, Math.Min(i + 2, s.Length));
                    continue;
                }

                literal = s[i + 1];
                width = 2;
            }
            else
            {
                literal = c;
                width = 1;
            }

            var next = i + width;
            if (next < s.Length && s[next] is '*' or '?' or '{')
            {
                // The atom may occur zero times: it is not required.
                Flush(current, runs);
                i = SkipQuantifier(s, next);
                continue;
            }

            current.Append(literal);
            if (next < s.Length && s[next] == '+')
            {
                Flush(current, runs);
                i = SkipQuantifier(s, next);
                continue;
            }

            i = next;
        }

        Flush(current, runs);
        runs.Sort(static (a, b) => b.Length.CompareTo(a.Length));
        for (var k = runs.Count - 1; k >= 1; k--)
        {
            if (runs[k].Length < 3)
            {
                runs.RemoveAt(k);
            }
        }

        return runs;
    }

    private static void Flush(StringBuilder current, List<string> runs)
    {
        if (current.Length > 0)
        {
            runs.Add(current.ToString());
        }

        current.Clear();
    }

    private static int SkipQuantifier(string s, int i)
    {
        if (i >= s.Length)
        {
            return i;
        }

        if (s[i] is '*' or '+' or '?')
        {
            i++;
        }
        else if (s[i] == '{')
        {
            var close = s.IndexOf('}', i);
            i = close < 0 ? s.Length : close + 1;
        }
        else
        {
            return i;
        }

        if (i < s.Length && s[i] == '?')
        {
            i++;
        }

        return i;
    }

    private static int SkipGroup(string s, int open)
    {
        var depth = 0;
        for (var i = open; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\')
            {
                i++;
            }
            else if (c == '[')
            {
                i = SkipClass(s, i) - 1;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                return i + 1;
            }
        }

        return s.Length;
    }

    /// <summary>Index just after the character class starting at <paramref name="open"/>.</summary>
    private static int SkipClass(string s, int open)
    {
        var i = open + 1;
        if (i < s.Length && s[i] == '^')
        {
            i++;
        }

        if (i < s.Length && s[i] == ']')
        {
            i++;
        }

        for (; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == '[' && i + 1 < s.Length && s[i + 1] == ':')
            {
                var close = s.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (close > 0)
                {
                    i = close + 1;
                }
            }
            else if (s[i] == ']')
            {
                return i + 1;
            }
        }

        return s.Length;
    }
}
