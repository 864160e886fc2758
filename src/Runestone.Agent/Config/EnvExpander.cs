using System.Text;

namespace Runestone.Agent.Config;

/// <summary>
/// <c>-config.expand-env=true</c>: replaces <c>${VAR}</c>, <c>${VAR:-default}</c> and <c>$VAR</c>
/// with environment values (empty when unset); <c>$$</c> is a literal dollar.
/// </summary>
public static class EnvExpander
{
    public static string Expand(string text, Func<string, string?> lookup)
    {
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

            var n = text[i + 1];
            if (n == '$')
            {
                sb.Append('$');
                i += 2;
            }
            else if (n == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    sb.Append(c);
                    i++;
                    continue;
                }

                var inner = text.Substring(i + 2, close - i - 2);
                var sep = inner.IndexOf(":-", StringComparison.Ordinal);
                string name = sep >= 0 ? inner[..sep] : inner;
                var value = lookup(name);
                if (string.IsNullOrEmpty(value) && sep >= 0)
                {
                    value = inner[(sep + 2)..];
                }

                sb.Append(value);
                i = close + 1;
            }
            else if (char.IsAsciiLetter(n) || n == '_')
            {
                var end = i + 1;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
                {
                    end++;
                }

                sb.Append(lookup(text[(i + 1)..end]));
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
}
