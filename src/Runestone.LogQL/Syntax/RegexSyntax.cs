using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// Translates the RE2 (Go) regular expression syntax LogQL uses into .NET's where they differ:
/// <c>(?P&lt;name&gt;</c> becomes <c>(?&lt;name&gt;</c>. Everything else RE2 accepts means the same in .NET.
/// </summary>
internal static class RegexSyntax
{
    public static string ToDotNet(string pattern)
    {
        if (!pattern.Contains("(?P<", StringComparison.Ordinal))
        {
            return pattern;
        }

        var sb = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                sb.Append(c).Append(pattern[++i]);
                continue;
            }

            if (c == '(' && string.CompareOrdinal(pattern, i, "(?P<", 0, 4) == 0)
            {
                sb.Append("(?<");
                i += 3;
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
