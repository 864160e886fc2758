using System.Globalization;
using DevLab.JmesPath.Expressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using JmesPathCompiler = DevLab.JmesPath.JmesPath;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// <c>json</c>: evaluates JMESPath expressions (the full language, through JmesPath.Net) on a
/// JSON object line into the extracted map, as Promtail's go-jmespath stage does.
/// </summary>
public sealed class JsonStage : Stage
{
    private readonly (string Name, JmesPathExpression Expression)[] _expressions;
    private readonly string? _source;
    private readonly bool _dropMalformed;
    private readonly StageContext _context;

    public JsonStage(IReadOnlyList<KeyValuePair<string, string?>> expressions, string? source, bool dropMalformed, StageContext context)
    {
        // One compiler per stage: its function scope is not shared with other pipelines' threads.
        var compiler = new JmesPathCompiler();
        _expressions = [.. expressions.Select(e => (e.Key, Compile(compiler, string.IsNullOrEmpty(e.Value) ? e.Key : e.Value)))];
        _source = source;
        _dropMalformed = dropMalformed;
        _context = context;
    }

    public override string Name => "json";

    protected override bool Apply(PipelineEntry entry)
    {
        string input;
        if (_source is null)
        {
            input = entry.Line;
        }
        else if (!entry.Extracted.TryGetValue(_source, out input!))
        {
            return true;
        }

        if (!TryParseObject(input, out var document))
        {
            if (_dropMalformed)
            {
                _context.Dropped("malformed_json");
                return false;
            }

            return true;
        }

        foreach (var (name, expression) in _expressions)
        {
            if (Evaluate(expression, document) is { } text)
            {
                entry.Extracted[name] = text;
            }
        }

        return true;
    }

    /// <summary>
    /// The result as Promtail's later stages see it: strings as themselves, numbers as Go's
    /// <c>strconv.FormatFloat(v, 'f', -1, 64)</c> of a float64, booleans as <c>true</c>/<c>false</c>,
    /// objects and arrays as compact JSON; null when nothing matched (or the match is JSON null).
    /// </summary>
    internal static string? Evaluate(JmesPathExpression expression, JToken document)
    {
        JToken result;
        try
        {
            result = expression.Transform(document).AsJToken();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A runtime error (a function given the wrong type) skips the expression, as Promtail does.
            return null;
        }

        return result.Type switch
        {
            JTokenType.Null or JTokenType.Undefined => null,
            JTokenType.String => (string?)result,
            JTokenType.Integer or JTokenType.Float => FormatFloat((double)result),
            JTokenType.Boolean => (bool)result ? "true" : "false",
            _ => result.ToString(Formatting.None),
        };
    }

    private static JmesPathExpression Compile(JmesPathCompiler compiler, string expression)
    {
        try
        {
            return compiler.Parse(expression);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ArgumentException($"could not compile JMES expression '{expression}': {e.Message}", e);
        }
    }

    /// <summary>Go's <c>json.Unmarshal</c> into a map: one JSON object and nothing after it.</summary>
    private static bool TryParseObject(string input, out JToken document)
    {
        document = JValue.CreateNull();
        try
        {
            using var reader = new JsonTextReader(new StringReader(input))
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Double,
            };
            if (!reader.Read() || reader.TokenType != JsonToken.StartObject)
            {
                return false;
            }

            document = JObject.Load(reader);
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Shortest round-trip digits with the exponent written out, as Go's 'f' format with precision -1.</summary>
    private static string FormatFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var negative = text[0] == '-';
        var mantissa = text[(negative ? 1 : 0)..e];
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var expanded = point <= 0
            ? "0." + new string('0', -point) + digits
            : point >= digits.Length
                ? digits + new string('0', point - digits.Length)
                : digits[..point] + "." + digits[point..];
        return negative ? "-" + expanded : expanded;
    }
}
