using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Runestone.LogQL.Log;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Templates;

/// <summary>
/// The functions of LogQL templates: Go's template builtins, the Sprig functions Loki exposes
/// (string, math, date, regex, encoding) and Loki's own (<c>__line__</c>, <c>__timestamp__</c>,
/// <c>duration</c>, <c>bytes</c>, <c>unixToTime</c>, <c>alignLeft</c>...). Argument order follows
/// Sprig: the piped value is the last argument. Promtail's <c>Hash</c> and <c>Sha2Hash</c> live here
/// too; <see cref="TemplateFunctionSet"/> decides which names a template may use.
/// </summary>
internal static class TemplateFunctions
{
    private const int RegexCacheSize = 256;

    /// <summary>Patterns are nearly always constants in the template: compile each once, not per line.</summary>
    private static readonly ConcurrentDictionary<string, Regex> s_regexes = new(StringComparer.Ordinal);

    public static object? Call(string name, List<object?> a, TemplateContext ctx)
    {
        switch (name)
        {
            case "__line__": return ctx.Line;
            case "__timestamp__": return GoTime.FromUnixNanos(ctx.TimestampNs);
            case "now": return GoTime.FromUnixNanos((DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100);
            case "not": Arity(name, a, 1); return !Truth(a[0]);
            case "and":
                foreach (var v in a)
                {
                    if (!Truth(v))
                    {
                        return v;
                    }
                }

                return a.Count > 0 ? a[^1] : null;
            case "or":
                foreach (var v in a)
                {
                    if (Truth(v))
                    {
                        return v;
                    }
                }

                return a.Count > 0 ? a[^1] : null;
            case "len":
                Arity(name, a, 1);
                return (long)(a[0] switch { string s => s.Length, List<object?> l => l.Count, Dictionary<string, object?> m => m.Count, _ => throw new TemplateException($"len of type {a[0]?.GetType().Name}") });
            case "index": return Index(a);
            case "print": return PrintArgs(a, spaces: false);
            case "println": return PrintArgs(a, spaces: true) + "\n";
            case "printf": MinArity(name, a, 1); return GoFormat.Printf(Str(a[0]), a.GetRange(1, a.Count - 1));
            case "eq":
                MinArity(name, a, 2);
                for (var i = 1; i < a.Count; i++)
                {
                    if (Compare(a[0], a[i]) == 0)
                    {
                        return true;
                    }
                }

                return false;
            case "ne": Arity(name, a, 2); return Compare(a[0], a[1]) != 0;
            case "lt": Arity(name, a, 2); return Compare(a[0], a[1]) < 0;
            case "le": Arity(name, a, 2); return Compare(a[0], a[1]) <= 0;
            case "gt": Arity(name, a, 2); return Compare(a[0], a[1]) > 0;
            case "ge": Arity(name, a, 2); return Compare(a[0], a[1]) >= 0;
            case "html": return WebUtility.HtmlEncode(PrintArgs(a, false));
            case "js": return JsonEncodedText.Encode(PrintArgs(a, false)).ToString();
            case "urlquery": return Uri.EscapeDataString(PrintArgs(a, false));
            case "slice":
            {
                MinArity(name, a, 1);
                var s = Str(a[0]);
                var from = a.Count > 1 ? (int)Int(a[1]) : 0;
                var to = a.Count > 2 ? (int)Int(a[2]) : s.Length;
                if (from < 0 || to > s.Length || from > to)
                {
                    throw new TemplateException($"slice: index out of range [{from}:{to}]");
                }

                return s[from..to];
            }

            case "lower" or "ToLower": Arity(name, a, 1); return Str(a[0]).ToLowerInvariant();
            case "upper" or "ToUpper": Arity(name, a, 1); return Str(a[0]).ToUpperInvariant();
            case "title": Arity(name, a, 1); return Title(Str(a[0]));
            case "trim" or "TrimSpace": Arity(name, a, 1); return Str(a[0]).Trim();
            case "trimAll": Arity(name, a, 2); return Str(a[1]).Trim(Str(a[0]).ToCharArray());
            case "trimPrefix": Arity(name, a, 2); return TrimPrefix(Str(a[1]), Str(a[0]));
            case "trimSuffix": Arity(name, a, 2); return TrimSuffix(Str(a[1]), Str(a[0]));
            case "Trim": Arity(name, a, 2); return Str(a[0]).Trim(Str(a[1]).ToCharArray());
            case "TrimLeft": Arity(name, a, 2); return Str(a[0]).TrimStart(Str(a[1]).ToCharArray());
            case "TrimRight": Arity(name, a, 2); return Str(a[0]).TrimEnd(Str(a[1]).ToCharArray());
            case "TrimPrefix": Arity(name, a, 2); return TrimPrefix(Str(a[0]), Str(a[1]));
            case "TrimSuffix": Arity(name, a, 2); return TrimSuffix(Str(a[0]), Str(a[1]));
            case "Replace":
            {
                Arity(name, a, 4);
                var n = Int(a[3]);
                return ReplaceN(Str(a[0]), Str(a[1]), Str(a[2]), n);
            }

            case "replace": Arity(name, a, 3); return ReplaceN(Str(a[2]), Str(a[0]), Str(a[1]), -1);
            case "Hash": Arity(name, a, 2); return Sha3Hex(Str(a[0]) + Str(a[1]));
            case "Sha2Hash": Arity(name, a, 2); return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Str(a[0]) + Str(a[1]))));
            case "contains": Arity(name, a, 2); return Str(a[1]).Contains(Str(a[0]), StringComparison.Ordinal);
            case "hasPrefix": Arity(name, a, 2); return Str(a[1]).StartsWith(Str(a[0]), StringComparison.Ordinal);
            case "hasSuffix": Arity(name, a, 2); return Str(a[1]).EndsWith(Str(a[0]), StringComparison.Ordinal);
            case "repeat": Arity(name, a, 2); return string.Concat(Enumerable.Repeat(Str(a[1]), (int)Math.Max(0, Int(a[0]))));
            case "trunc":
            {
                Arity(name, a, 2);
                var c = Int(a[0]);
                var s = Str(a[1]);
                return c >= 0 ? (s.Length > c ? s[..(int)c] : s) : (s.Length + c > 0 ? s[(int)(s.Length + c)..] : s);
            }

            case "substr":
            {
                Arity(name, a, 3);
                var start = Int(a[0]);
                var end = Int(a[1]);
                var s = Str(a[2]);
                if (start < 0)
                {
                    return s[..(int)Math.Min(Math.Max(end, 0), s.Length)];
                }

                if (end < 0 || end > s.Length)
                {
                    return start > s.Length ? string.Empty : s[(int)start..];
                }

                return start > end ? string.Empty : s[(int)start..(int)end];
            }

            case "indent": Arity(name, a, 2); return Indent((int)Int(a[0]), Str(a[1]));
            case "nindent": Arity(name, a, 2); return "\n" + Indent((int)Int(a[0]), Str(a[1]));
            case "alignLeft":
            {
                Arity(name, a, 2);
                var n = (int)Int(a[0]);
                var s = Str(a[1]);
                return n < 0 ? s : s.Length > n ? s[..n] : s.PadRight(n);
            }

            case "alignRight":
            {
                Arity(name, a, 2);
                var n = (int)Int(a[0]);
                var s = Str(a[1]);
                return n < 0 ? s : s.Length > n ? s[^n..] : s.PadLeft(n);
            }

            case "default": MinArity(name, a, 1); return a.Count < 2 || Empty(a[1]) ? a[0] : a[1];
            case "b64enc": Arity(name, a, 1); return Convert.ToBase64String(Encoding.UTF8.GetBytes(Str(a[0])));
            case "b64dec":
                Arity(name, a, 1);
                try
                {
                    return Encoding.UTF8.GetString(Convert.FromBase64String(Str(a[0])));
                }
                catch (FormatException e)
                {
                    return e.Message;
                }

            case "urlencode": Arity(name, a, 1); return WebUtility.UrlEncode(Str(a[0]));
            case "urldecode": Arity(name, a, 1); return WebUtility.UrlDecode(Str(a[0]));
            case "count":
                Arity(name, a, 2);
                return (long)CompileRegex(Str(a[0])).Count(Str(a[1]));
            case "regexReplaceAll": Arity(name, a, 3); return ReplaceAll(CompileRegex(Str(a[0])), Str(a[1]), Str(a[2]), expand: true);
            case "regexReplaceAllLiteral": Arity(name, a, 3); return ReplaceAll(CompileRegex(Str(a[0])), Str(a[1]), Str(a[2]), expand: false);
            case "fromJson": Arity(name, a, 1); return FromJson(Str(a[0]));
            case "duration" or "duration_seconds":
                Arity(name, a, 1);
                if (!GoDuration.TryParseSeconds(Str(a[0]), out var seconds))
                {
                    throw new TemplateException($"time: invalid duration \"{Str(a[0])}\"");
                }

                return seconds;
            case "bytes":
                Arity(name, a, 1);
                if (!ByteSize.TryParse(Str(a[0]), out var bytes) && !double.TryParse(Str(a[0]), NumberStyles.Float, CultureInfo.InvariantCulture, out bytes))
                {
                    throw new TemplateException($"unable to parse bytes \"{Str(a[0])}\"");
                }

                return bytes;
            case "date":
                Arity(name, a, 2);
                return ToTime(a[1]).Format(Str(a[0]));
            case "toDate":
                Arity(name, a, 2);
                return ParseTime(Str(a[0]), Str(a[1]), TimeZoneInfo.Utc);
            case "toDateInZone":
                Arity(name, a, 3);
                return ParseTime(Str(a[0]), Str(a[2]), Zone(Str(a[1])));
            case "unixEpoch": Arity(name, a, 1); return FloorDiv(ToTime(a[0]).UnixNanos, 1_000_000_000).ToString(CultureInfo.InvariantCulture);
            case "unixEpochMillis": Arity(name, a, 1); return FloorDiv(ToTime(a[0]).UnixNanos, 1_000_000).ToString(CultureInfo.InvariantCulture);
            case "unixEpochNanos": Arity(name, a, 1); return ToTime(a[0]).UnixNanos.ToString(CultureInfo.InvariantCulture);
            case "unixToTime": Arity(name, a, 1); return UnixToTime(Str(a[0]));
            case "add": return Fold(a, 0L, static (x, y) => x + y);
            case "mul": MinArity(name, a, 1); return Fold(a, 1L, static (x, y) => x * y);
            case "sub": Arity(name, a, 2); return Int(a[0]) - Int(a[1]);
            case "div":
                Arity(name, a, 2);
                if (Int(a[1]) == 0)
                {
                    throw new TemplateException("runtime error: integer divide by zero");
                }

                return Int(a[0]) / Int(a[1]);
            case "mod":
                Arity(name, a, 2);
                if (Int(a[1]) == 0)
                {
                    throw new TemplateException("runtime error: integer divide by zero");
                }

                return Int(a[0]) % Int(a[1]);
            case "max": MinArity(name, a, 1); return FoldInt(a, Math.Max);
            case "min": MinArity(name, a, 1); return FoldInt(a, Math.Min);
            case "addf": return a.Count == 0 ? 0.0 : FoldFloat(a, static (x, y) => x + y);
            case "subf": MinArity(name, a, 1); return FoldFloat(a, static (x, y) => x - y);
            case "mulf": MinArity(name, a, 1); return FoldFloat(a, static (x, y) => x * y);
            case "divf": MinArity(name, a, 1); return FoldFloat(a, static (x, y) => x / y);
            case "maxf": MinArity(name, a, 1); return FoldFloat(a, Math.Max);
            case "minf": MinArity(name, a, 1); return FoldFloat(a, Math.Min);
            case "ceil": Arity(name, a, 1); return Math.Ceiling(Float(a[0]));
            case "floor": Arity(name, a, 1); return Math.Floor(Float(a[0]));
            case "round":
            {
                MinArity(name, a, 2);
                var value = Float(a[0]);
                var places = Int(a[1]);
                var roundOn = a.Count > 2 ? Float(a[2]) : 0.5;
                var pow = Math.Pow(10, places);
                var digit = pow * value;
                var fraction = digit - Math.Truncate(digit);
                return (fraction >= roundOn ? Math.Ceiling(digit) : Math.Floor(digit)) / pow;
            }

            case "int": Arity(name, a, 1); return Int(a[0]);
            case "float64": Arity(name, a, 1); return Float(a[0]);
            default:
                throw new TemplateException($"function \"{name}\" not defined");
        }
    }

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);

    private static void Arity(string name, List<object?> a, int n)
    {
        if (a.Count != n)
        {
            throw new TemplateException($"wrong number of args for {name}: want {n} got {a.Count}");
        }
    }

    private static void MinArity(string name, List<object?> a, int n)
    {
        if (a.Count < n)
        {
            throw new TemplateException($"wrong number of args for {name}: want at least {n} got {a.Count}");
        }
    }

    public static bool Truth(object? v) => v switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        int i => i != 0,
        double d => d != 0,
        List<object?> l => l.Count > 0,
        Dictionary<string, object?> m => m.Count > 0,
        _ => true,
    };

    private static bool Empty(object? v) => !Truth(v);

    public static string Str(object? v) => v is string s ? s : v is null ? string.Empty : GoFormat.Value(v);

    /// <summary>spf13/cast's ToInt64: numbers truncate, strings parse as integers (else 0).</summary>
    public static long Int(object? v) => v switch
    {
        long l => l,
        int i => i,
        double d => double.IsNaN(d) ? 0 : (long)d,
        bool b => b ? 1 : 0,
        string s when long.TryParse(TrimZeroDecimal(s), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        _ => 0,
    };

    private static string TrimZeroDecimal(string s)
    {
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return s;
        }

        for (var i = dot + 1; i < s.Length; i++)
        {
            if (s[i] != '0')
            {
                return s;
            }
        }

        return s[..dot];
    }

    /// <summary>spf13/cast's ToFloat64.</summary>
    public static double Float(object? v) => v switch
    {
        double d => d,
        long l => l,
        int i => i,
        bool b => b ? 1 : 0,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => 0,
    };

    /// <summary>Folds from the first argument (the delegates are static, so nothing is allocated per call).</summary>
    private static object FoldInt(List<object?> a, Func<long, long, long> op)
    {
        var acc = Int(a[0]);
        for (var i = 1; i < a.Count; i++)
        {
            acc = op(acc, Int(a[i]));
        }

        return acc;
    }

    private static object FoldFloat(List<object?> a, Func<double, double, double> op)
    {
        var acc = Float(a[0]);
        for (var i = 1; i < a.Count; i++)
        {
            acc = op(acc, Float(a[i]));
        }

        return acc;
    }

    private static object Fold(List<object?> a, long seed, Func<long, long, long> op)
    {
        var acc = seed;
        foreach (var v in a)
        {
            acc = op(acc, Int(v));
        }

        return acc;
    }

    /// <summary>Go template comparison: numbers numerically, strings ordinally, otherwise by equality.</summary>
    private static int Compare(object? x, object? y)
    {
        if (x is long or int or double && y is long or int or double)
        {
            return Float(x).CompareTo(Float(y));
        }

        if (x is string sx && y is string sy)
        {
            return string.CompareOrdinal(sx, sy);
        }

        if (x is bool bx && y is bool by)
        {
            return bx == by ? 0 : 1;
        }

        if (x is null || y is null)
        {
            return x is null && y is null ? 0 : 1;
        }

        if (x is string || y is string)
        {
            throw new TemplateException($"incompatible types for comparison: {GoFormat.Value(x)} and {GoFormat.Value(y)}");
        }

        return Equals(x, y) ? 0 : 1;
    }

    private static object? Index(List<object?> a)
    {
        MinArity("index", a, 1);
        var current = a[0];
        for (var i = 1; i < a.Count; i++)
        {
            current = current switch
            {
                Dictionary<string, object?> map => map.GetValueOrDefault(Str(a[i])),
                List<object?> list => Int(a[i]) is var k && k >= 0 && k < list.Count ? list[(int)k] : throw new TemplateException($"index out of range: {k}"),
                string s => Int(a[i]) is var k && k >= 0 && k < s.Length ? (long)s[(int)k] : throw new TemplateException($"index out of range: {k}"),
                _ => throw new TemplateException($"can't index item of type {current?.GetType().Name ?? "nil"}"),
            };
        }

        return current;
    }

    private static string PrintArgs(List<object?> a, bool spaces)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < a.Count; i++)
        {
            // fmt.Sprint adds spaces between operands when neither is a string; Sprintln always.
            if (i > 0 && (spaces || (a[i] is not string && a[i - 1] is not string)))
            {
                sb.Append(' ');
            }

            sb.Append(GoFormat.Value(a[i]));
        }

        return sb.ToString();
    }

    private static string Title(string s)
    {
        var chars = s.ToCharArray();
        var start = true;
        for (var i = 0; i < chars.Length; i++)
        {
            if (start && char.IsLetter(chars[i]))
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
            }

            start = !char.IsLetterOrDigit(chars[i]) && chars[i] != '_' && chars[i] != '\'';
        }

        return new string(chars);
    }

    private static string TrimPrefix(string s, string prefix) => prefix.Length > 0 && s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s;

    private static string TrimSuffix(string s, string suffix) => suffix.Length > 0 && s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;

    /// <summary>
    /// Go's strings.Replace: the first <paramref name="n"/> matches (all when n &lt; 0); an empty
    /// <paramref name="old"/> matches before each rune and at the end.
    /// </summary>
    private static string ReplaceN(string s, string old, string replacement, long n)
    {
        if (n == 0 || (old.Length > 0 && !s.Contains(old, StringComparison.Ordinal)))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        var pos = 0;
        for (var done = 0L; n < 0 || done < n; done++)
        {
            if (old.Length == 0)
            {
                if (pos > s.Length)
                {
                    break;
                }

                sb.Append(replacement);
                if (pos == s.Length)
                {
                    pos++;
                    break;
                }

                var width = char.IsSurrogatePair(s, pos) ? 2 : 1;
                sb.Append(s, pos, width);
                pos += width;
                continue;
            }

            var found = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            sb.Append(s, pos, found - pos).Append(replacement);
            pos = found + old.Length;
        }

        if (pos < s.Length)
        {
            sb.Append(s, pos, s.Length - pos);
        }

        return sb.ToString();
    }

    private static string Sha3Hex(string text)
    {
        if (!SHA3_256.IsSupported)
        {
            throw new TemplateException("Hash: SHA3-256 is not available on this platform");
        }

        return Convert.ToHexStringLower(SHA3_256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string Indent(int spaces, string s)
    {
        var pad = new string(' ', Math.Max(0, spaces));
        return pad + s.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }

    /// <summary>
    /// Go's ReplaceAllString (<paramref name="expand"/>: $1 and ${name} per Regexp.Expand) or
    /// ReplaceAllLiteralString. As in Go, an empty match right after the previous match is skipped.
    /// </summary>
    private static string ReplaceAll(Regex regex, string input, string replacement, bool expand)
    {
        var match = regex.Match(input);
        if (!match.Success)
        {
            return input;
        }

        var sb = new StringBuilder(input.Length + replacement.Length);
        var pos = 0;
        var previousEnd = -1;
        for (; match.Success; match = match.NextMatch())
        {
            if (match.Length == 0 && match.Index == previousEnd)
            {
                continue;
            }

            sb.Append(input, pos, match.Index - pos);
            if (expand)
            {
                GoRegexExpansion.Append(sb, replacement, match);
            }
            else
            {
                sb.Append(replacement);
            }

            pos = previousEnd = match.Index + match.Length;
        }

        return sb.Append(input, pos, input.Length - pos).ToString();
    }

    private static Regex CompileRegex(string pattern)
    {
        if (s_regexes.TryGetValue(pattern, out var cached))
        {
            return cached;
        }

        try
        {
            var regex = new Regex(RegexSyntax.ToDotNet(pattern), RegexOptions.CultureInvariant);
            if (s_regexes.Count < RegexCacheSize)
            {
                s_regexes.TryAdd(pattern, regex);
            }

            return regex;
        }
        catch (ArgumentException e)
        {
            throw new TemplateException($"error parsing regexp: {e.Message.Split('\n')[0]}");
        }
    }

    private static object? FromJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return FromElement(doc.RootElement);
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private static object? FromElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().GroupBy(p => p.Name).ToDictionary(g => g.Key, g => FromElement(g.Last().Value)),
        JsonValueKind.Array => e.EnumerateArray().Select(FromElement).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static GoTime ToTime(object? v) => v switch
    {
        GoTime t => t,
        long l => GoTime.FromUnixNanos(l * 1_000_000_000),
        int i => GoTime.FromUnixNanos(i * 1_000_000_000L),
        double d => GoTime.FromUnixNanos((long)(d * 1e9)),
        string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => GoTime.FromUnixNanos(l * 1_000_000_000),
        _ => throw new TemplateException($"expected a time, got {GoFormat.Value(v)}"),
    };

    private static GoTime ParseTime(string layout, string text, TimeZoneInfo zone) =>
        GoTime.TryParse(layout, text, zone, out var t)
            ? t
            : throw new TemplateException($"parsing time \"{text}\" as \"{layout}\": cannot parse");

    private static TimeZoneInfo Zone(string name)
    {
        if (name is "UTC" or "Local" or "")
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new TemplateException($"unknown time zone {name}");
        }
    }

    /// <summary>Loki's unixToTime: the epoch's digit count tells days, seconds, ms, µs or ns.</summary>
    private static GoTime UnixToTime(string epoch)
    {
        if (!long.TryParse(epoch, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new TemplateException($"unable to parse epoch \"{epoch}\"");
        }

        var digits = epoch.TrimStart('-').Length;
        var nanos = digits switch
        {
            <= 5 => value * 86_400L * 1_000_000_000,
            <= 10 => value * 1_000_000_000,
            <= 13 => value * 1_000_000,
            <= 16 => value * 1_000,
            _ => value,
        };
        return GoTime.FromUnixNanos(nanos);
    }
}
