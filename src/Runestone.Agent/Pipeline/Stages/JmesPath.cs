using System.Globalization;
using System.Text.Json;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// The part of JMESPath Promtail configs use: field paths (<c>a.b</c>), quoted names
/// (<c>"a.b"</c>), indexes (<c>a[0]</c>, <c>a[-1]</c>), wildcard projections (<c>a[*].b</c>)
/// and <c>||</c> alternatives.
/// </summary>
public sealed class JmesPath
{
    private readonly List<List<Segment>> _alternatives = [];

    private JmesPath()
    {
    }

    public static JmesPath Compile(string expression)
    {
        var path = new JmesPath();
        foreach (var alt in SplitOr(expression))
        {
            path._alternatives.Add(ParseSegments(alt.Trim(), expression));
        }

        return path;
    }

    /// <summary>Evaluates against a JSON element; null when nothing matches (or JSON null).</summary>
    public JsonElement? Evaluate(JsonElement root)
    {
        foreach (var segments in _alternatives)
        {
            var result = Eval(root, segments, 0);
            if (result is { } r && r.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) &&
                !(r.ValueKind == JsonValueKind.Array && r.GetArrayLength() == 0) && !(r.ValueKind == JsonValueKind.False && _alternatives.Count > 1))
            {
                return r;
            }
        }

        return null;
    }

    private static JsonElement? Eval(JsonElement current, List<Segment> segments, int index)
    {
        for (var i = index; i < segments.Count; i++)
        {
            var seg = segments[i];
            switch (seg.Kind)
            {
                case SegmentKind.Field:
                    if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(seg.Name!, out current))
                    {
                        return null;
                    }

                    break;
                case SegmentKind.Index:
                    if (current.ValueKind != JsonValueKind.Array)
                    {
                        return null;
                    }

                    var len = current.GetArrayLength();
                    var at = seg.Index < 0 ? len + seg.Index : seg.Index;
                    if (at < 0 || at >= len)
                    {
                        return null;
                    }

                    current = current[at];
                    break;
                case SegmentKind.Wildcard:
                    if (current.ValueKind != JsonValueKind.Array)
                    {
                        return null;
                    }

                    var items = new List<JsonElement>();
                    foreach (var item in current.EnumerateArray())
                    {
                        var r = Eval(item, segments, i + 1);
                        if (r is { } v && v.ValueKind != JsonValueKind.Null)
                        {
                            items.Add(v);
                        }
                    }

                    return JsonSerializer.SerializeToElement(items);
            }
        }

        return current;
    }

    private static List<string> SplitOr(string expression)
    {
        var parts = new List<string>();
        var inQuote = false;
        var start = 0;
        for (var i = 0; i < expression.Length; i++)
        {
            if (expression[i] == '"')
            {
                inQuote = !inQuote;
            }
            else if (!inQuote && expression[i] == '|' && i + 1 < expression.Length && expression[i + 1] == '|')
            {
                parts.Add(expression[start..i]);
                start = i + 2;
                i++;
            }
        }

        parts.Add(expression[start..]);
        return parts;
    }

    private static List<Segment> ParseSegments(string expr, string whole)
    {
        var list = new List<Segment>();
        var i = 0;
        while (i < expr.Length)
        {
            var c = expr[i];
            if (c == '.')
            {
                i++;
                continue;
            }

            if (c == '"')
            {
                var close = expr.IndexOf('"', i + 1);
                if (close < 0)
                {
                    throw new ArgumentException($"unterminated quoted identifier in JMESPath expression '{whole}'");
                }

                list.Add(new Segment(SegmentKind.Field, expr[(i + 1)..close], 0));
                i = close + 1;
            }
            else if (c == '[')
            {
                var close = expr.IndexOf(']', i + 1);
                if (close < 0)
                {
                    throw new ArgumentException($"missing ']' in JMESPath expression '{whole}'");
                }

                var inner = expr[(i + 1)..close].Trim();
                if (inner == "*")
                {
                    list.Add(new Segment(SegmentKind.Wildcard, null, 0));
                }
                else if (int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var idx))
                {
                    list.Add(new Segment(SegmentKind.Index, null, idx));
                }
                else
                {
                    throw new ArgumentException($"unsupported JMESPath bracket '[{inner}]' in '{whole}'; use [n], [-n] or [*]");
                }

                i = close + 1;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < expr.Length && (char.IsAsciiLetterOrDigit(expr[i]) || expr[i] == '_'))
                {
                    i++;
                }

                list.Add(new Segment(SegmentKind.Field, expr[start..i], 0));
            }
            else
            {
                throw new ArgumentException($"unsupported JMESPath syntax at '{expr[i..]}' in '{whole}'; use field paths, \"quoted\" names, [n], [*] and ||");
            }
        }

        if (list.Count == 0)
        {
            throw new ArgumentException($"empty JMESPath expression '{whole}'");
        }

        return list;
    }

    private enum SegmentKind
    {
        Field,
        Index,
        Wildcard,
    }

    private sealed record Segment(SegmentKind Kind, string? Name, int Index);
}
