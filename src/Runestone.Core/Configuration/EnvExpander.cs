using System.Text;

namespace Runestone.Core.Configuration;

/// <summary>
/// <c>-config.expand-env=true</c>: replaces <c>${VAR}</c> and <c>$VAR</c> with the variable's value
/// before the YAML is parsed, like Loki. <c>${VAR:default}</c> and <c>${VAR:-default}</c> give a
/// default used when the variable is unset or empty. An undefined variable without default becomes
/// the empty string; a <c>$</c> not followed by a name or <c>{</c> stays as it is.
/// </summary>
public static class EnvExpander
{
    public static string Expand(string text, Func<string, string?> env)
    {
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }

            var next = text[i + 1];
            if (next == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    // Unterminated: leave the rest untouched so that the YAML error points at it.
                    sb.Append(text, i, text.Length - i);
                    break;
                }

                sb.Append(Lookup(text.AsSpan(i + 2, close - i - 2), env));
                i = close + 1;
            }
            else if (IsNameStart(next))
            {
                var end = i + 1;
                while (end < text.Length && IsNamePart(text[end]))
                {
                    end++;
                }

                sb.Append(env(text[(i + 1)..end]) ?? string.Empty);
                i = end;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }

        return sb.ToString();
    }

    private static string Lookup(ReadOnlySpan<char> body, Func<string, string?> env)
    {
        var colon = body.IndexOf(':');
        if (colon < 0)
        {
            return env(body.ToString()) ?? string.Empty;
        }

        var value = env(body[..colon].ToString());
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }

        var fallback = body[(colon + 1)..];
        if (!fallback.IsEmpty && fallback[0] == '-')
        {
            fallback = fallback[1..];
        }

        return fallback.ToString();
    }

    private static bool IsNameStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsNamePart(char c) => IsNameStart(c) || char.IsAsciiDigit(c);
}
