using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Runestone.LogQL.Log;

/// <summary>
/// A field path of <c>json name="expr"</c>: <c>a.b</c>, <c>a["b c"]</c>, <c>list[0]</c> and any
/// combination (<c>my.list[0]["field"]</c>).
/// </summary>
internal sealed class JsonPath
{
    private readonly object[] _segments; // string for a field, int for an index

    private JsonPath(object[] segments) => _segments = segments;

    public static bool TryParse(string text, [NotNullWhen(true)] out JsonPath? path)
    {
        path = null;
        var segments = new List<object>();
        var i = 0;
        var expectName = true;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '.')
            {
                if (expectName)
                {
                    return false;
                }

                expectName = true;
                i++;
                continue;
            }

            if (c == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0)
                {
                    return false;
                }

                var inner = text.AsSpan(i + 1, close - i - 1).Trim();
                if (inner.Length >= 2 && inner[0] == '"' && inner[^1] == '"')
                {
                    // Quoted keys may contain "]" and escaped quotes: find the real closing quote.
                    var sb = new StringBuilder();
                    var j = i + 2;
                    while (j < text.Length && text[j] != '"')
                    {
                        if (text[j] == '\\' && j + 1 < text.Length)
                        {
                            j++;
                        }

                        sb.Append(text[j++]);
                    }

                    close = text.IndexOf(']', j);
                    if (close < 0)
                    {
                        return false;
                    }

                    segments.Add(sb.ToString());
                }
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(index);
                }
                else
                {
                    return false;
                }

                i = close + 1;
                expectName = false;
                continue;
            }

            var start = i;
            while (i < text.Length && text[i] is not ('.' or '['))
            {
                i++;
            }

            segments.Add(text[start..i]);
            expectName = false;
        }

        if (segments.Count == 0)
        {
            return false;
        }

        path = new JsonPath([.. segments]);
        return true;
    }

    /// <summary>The value at the path: strings unquoted, numbers/objects/arrays as raw JSON; null when absent.</summary>
    public string? Evaluate(JsonElement root)
    {
        var current = root;
        foreach (var segment in _segments)
        {
            if (segment is string field)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(field, out current))
                {
                    return null;
                }
            }
            else
            {
                var index = (int)segment;
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                {
                    return null;
                }

                current = current[index];
            }
        }

        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Null => string.Empty,
            _ => current.GetRawText(),
        };
    }
}
