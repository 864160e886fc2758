using System.Text.RegularExpressions;
using Runestone.LogQL.Syntax;

namespace Runestone.Agent.Relabeling;

/// <summary>
/// Go RE2 patterns on .NET's engine: <c>(?P&lt;name&gt;…)</c> becomes <c>(?&lt;name&gt;…)</c>, and
/// Go's <c>Regexp.Expand</c> template rules (<see cref="GoRegexExpansion"/>).
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

    /// <summary>Expands a Go replacement template against a match (the rules live with LogQL's regex syntax).</summary>
    public static string Expand(string template, Match match) => GoRegexExpansion.Expand(template, match);
}
