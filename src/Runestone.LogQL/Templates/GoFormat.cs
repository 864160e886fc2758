using System.Globalization;
using System.Text;

namespace Runestone.LogQL.Templates;

/// <summary>Go's fmt rules for template output: <c>%v</c> of values and a <c>printf</c> with the common verbs.</summary>
internal static class GoFormat
{
    /// <summary>How Go prints a value with <c>%v</c> (and how template actions print).</summary>
    public static string Value(object? value) => value switch
    {
        null => "<no value>",
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => Float(d),
        GoTime t => t.ToString(),
        Dictionary<string, object?> map => "map[" + string.Join(" ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + Value(p.Value))) + "]",
        List<object?> list => "[" + string.Join(" ", list.Select(Value)) + "]",
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>strconv.FormatFloat(f, 'g', -1, 64) as %v prints it: exponent only below 1e-4 or from 1e21.</summary>
    public static string Float(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "+Inf" : "-Inf";
        }

        var abs = Math.Abs(d);
        if (abs == 0 || (abs >= 1e-4 && abs < 1e21))
        {
            return d.ToString("R", CultureInfo.InvariantCulture) is var r && r.Contains('E', StringComparison.Ordinal)
                ? decimal.Parse(r, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
                : r;
        }

        var e = d.ToString("R", CultureInfo.InvariantCulture);
        var mantissa = e;
        var exponent = 0;
        var eIndex = e.IndexOf('E', StringComparison.Ordinal);
        if (eIndex >= 0)
        {
            mantissa = e[..eIndex];
            exponent = int.Parse(e.AsSpan(eIndex + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        return mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("D2", CultureInfo.InvariantCulture);
    }

    public static string Printf(string format, IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        var argIndex = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            if (++i >= format.Length)
            {
                sb.Append("%!(NOVERB)");
                break;
            }

            bool minus = false, plus = false, zero = false, space = false, sharp = false;
            for (; i < format.Length; i++)
            {
                switch (format[i])
                {
                    case '-': minus = true; continue;
                    case '+': plus = true; continue;
                    case '0': zero = true; continue;
                    case ' ': space = true; continue;
                    case '#': sharp = true; continue;
                }

                break;
            }

            var width = ReadNumber(format, ref i);
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadNumber(format, ref i) ?? 0;
            }

            if (i >= format.Length)
            {
                sb.Append("%!(NOVERB)");
                break;
            }

            var verb = format[i];
            if (verb == '%')
            {
                sb.Append('%');
                continue;
            }

            if (argIndex >= args.Count)
            {
                sb.Append("%!").Append(verb).Append("(MISSING)");
                continue;
            }

            var arg = args[argIndex++];
            var text = FormatVerb(verb, arg, precision, plus, space, sharp);
            if (width is { } w && text.Length < w)
            {
                text = minus ? text.PadRight(w) : zero && verb is not ('s' or 'q' or 'v' or 't') ? PadZeros(text, w) : text.PadLeft(w);
            }

            sb.Append(text);
        }

        if (argIndex < args.Count)
        {
            sb.Append("%!(EXTRA ");
            sb.AppendJoin(", ", args.Skip(argIndex).Select(a => TypeName(a) + "=" + Value(a)));
            sb.Append(')');
        }

        return sb.ToString();
    }

    private static string PadZeros(string text, int width)
    {
        var sign = text.Length > 0 && text[0] is '-' or '+' ? text[..1] : string.Empty;
        return sign + text[sign.Length..].PadLeft(width - sign.Length, '0');
    }

    private static int? ReadNumber(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        return i == start ? null : int.Parse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture);
    }

    private static string TypeName(object? arg) => arg switch
    {
        string => "string",
        long or int => "int64",
        double => "float64",
        bool => "bool",
        _ => "interface {}",
    };

    private static string FormatVerb(char verb, object? arg, int? precision, bool plus, bool space, bool sharp)
    {
        switch (verb)
        {
            case 'v':
                return Value(arg);
            case 's':
            {
                var s = Value(arg);
                return precision is { } p && p < s.Length ? s[..p] : s;
            }

            case 'q':
                return arg is long or int ? "'" + char.ConvertFromUtf32((int)Convert.ToInt64(arg, CultureInfo.InvariantCulture)) + "'" : Quote(Value(arg));
            case 't':
                return arg is bool b ? (b ? "true" : "false") : Bad(verb, arg);
            case 'd':
                return arg is long or int ? Signed(Convert.ToInt64(arg, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture), plus, space) : Bad(verb, arg);
            case 'x' or 'X' or 'o' or 'b':
            {
                if (arg is string str && verb is 'x' or 'X')
                {
                    var hex = Convert.ToHexString(Encoding.UTF8.GetBytes(str));
                    return verb == 'x' ? hex.ToLowerInvariant() : hex;
                }

                if (arg is not (long or int))
                {
                    return Bad(verb, arg);
                }

                var n = Convert.ToInt64(arg, CultureInfo.InvariantCulture);
                var digits = verb switch
                {
                    'x' => Math.Abs(n).ToString("x", CultureInfo.InvariantCulture),
                    'X' => Math.Abs(n).ToString("X", CultureInfo.InvariantCulture),
                    'o' => Convert.ToString(Math.Abs(n), 8),
                    _ => Convert.ToString(Math.Abs(n), 2),
                };
                if (sharp)
                {
                    digits = (verb is 'x' ? "0x" : verb is 'X' ? "0X" : verb is 'o' ? "0" : "0b") + digits;
                }

                return (n < 0 ? "-" : string.Empty) + digits;
            }

            case 'f' or 'F' or 'e' or 'E' or 'g' or 'G':
            {
                double d;
                if (arg is double dv)
                {
                    d = dv;
                }
                else if (arg is long or int)
                {
                    return Bad(verb, arg);
                }
                else
                {
                    return Bad(verb, arg);
                }

                var text = verb switch
                {
                    'f' or 'F' => d.ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture),
                    'e' or 'E' => GoExponent(d, precision ?? 6, verb),
                    _ => precision is null ? Float(d) : d.ToString("G" + precision, CultureInfo.InvariantCulture),
                };
                return Signed(text, plus, space);
            }

            default:
                return Bad(verb, arg);
        }
    }

    private static string GoExponent(double d, int precision, char verb)
    {
        var s = d.ToString((verb == 'e' ? "e" : "E") + precision, CultureInfo.InvariantCulture);

        // .NET writes three exponent digits ("e+003"); Go writes at least two ("e+03").
        var eIndex = s.IndexOfAny(['e', 'E']);
        var exponent = int.Parse(s.AsSpan(eIndex + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return s[..(eIndex + 1)] + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("D2", CultureInfo.InvariantCulture);
    }

    private static string Signed(string text, bool plus, bool space)
    {
        if (text.StartsWith('-'))
        {
            return text;
        }

        return plus ? "+" + text : space ? " " + text : text;
    }

    private static string Bad(char verb, object? arg) => $"%!{verb}({TypeName(arg)}={Value(arg)})";

    /// <summary>Go's %q of a string (strconv.Quote).</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        Runestone.Core.Labels.LabelText.AppendQuoted(sb, s);
        return sb.ToString();
    }
}
