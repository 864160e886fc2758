using System.Text;
using System.Text.RegularExpressions;

namespace Runestone.Agent.Tailing;

/// <summary>
/// File globs as Promtail's doublestar library reads them: <c>*</c> and <c>?</c> within one path
/// segment, <c>[abc]</c> classes, <c>{a,b}</c> alternatives and <c>**</c> for any number of directories.
/// </summary>
public static class Glob
{
    /// <summary>Files matching <paramref name="pattern"/> (an absolute or relative path pattern), sorted.</summary>
    public static List<string> Expand(string pattern)
    {
        var result = new List<string>();
        if (!HasMeta(pattern))
        {
            if (File.Exists(pattern))
            {
                result.Add(pattern);
            }

            return result;
        }

        // Start walking at the longest directory prefix without wildcards.
        var normalized = pattern.Replace('\\', '/');
        var segments = normalized.Split('/');
        var fixedCount = 0;
        while (fixedCount < segments.Length - 1 && !HasMeta(segments[fixedCount]))
        {
            fixedCount++;
        }

        var root = string.Join('/', segments, 0, fixedCount);
        if (root.Length == 0)
        {
            root = normalized.StartsWith('/') ? "/" : ".";
        }

        if (!Directory.Exists(root))
        {
            return result;
        }

        var regex = ToRegex(normalized);
        var recursive = normalized.Contains("**", StringComparison.Ordinal);
        var depth = segments.Length - fixedCount;
        try
        {
            var options = new EnumerationOptions
            {
                RecurseSubdirectories = recursive || depth > 1,
                MaxRecursionDepth = recursive ? 64 : depth - 1,
                IgnoreInaccessible = true,
                AttributesToSkip = FileAttributes.None,
                ReturnSpecialDirectories = false,
            };
            foreach (var file in Directory.EnumerateFiles(root, "*", options))
            {
                var candidate = root == "." && !normalized.StartsWith("./", StringComparison.Ordinal) ? file[2..] : file;
                if (regex.IsMatch(candidate.Replace('\\', '/')))
                {
                    result.Add(candidate);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    public static bool IsMatch(string pattern, string path) => ToRegex(pattern.Replace('\\', '/')).IsMatch(path.Replace('\\', '/'));

    private static bool HasMeta(string s) => s.AsSpan().IndexOfAny("*?[{") >= 0;

    private static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        var braces = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    if (i + 1 < pattern.Length && pattern[i + 1] == '*')
                    {
                        // "**/" matches zero or more directories; a trailing "**" matches everything below.
                        if (i + 2 < pattern.Length && pattern[i + 2] == '/')
                        {
                            sb.Append("(?:[^/]*/)*");
                            i += 2;
                        }
                        else
                        {
                            sb.Append(".*");
                            i++;
                        }
                    }
                    else
                    {
                        sb.Append("[^/]*");
                    }

                    break;
                case '?': sb.Append("[^/]"); break;
                case '[':
                {
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append("\\[");
                        break;
                    }

                    var cls = pattern[(i + 1)..close];
                    if (cls.StartsWith('!'))
                    {
                        cls = "^" + cls[1..];
                    }

                    sb.Append('[').Append(cls.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                }

                case '{': sb.Append("(?:"); braces++; break;
                case '}' when braces > 0: sb.Append(')'); braces--; break;
                case ',' when braces > 0: sb.Append('|'); break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }

        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }
}
