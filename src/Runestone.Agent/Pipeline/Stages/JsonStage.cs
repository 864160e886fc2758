using System.Globalization;
using System.Text.Json;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>json</c>: evaluates JMESPath expressions on a JSON line into the extracted map.</summary>
public sealed class JsonStage : Stage
{
    private readonly (string Name, JmesPath Path)[] _expressions;
    private readonly string? _source;
    private readonly bool _dropMalformed;
    private readonly StageContext _context;

    public JsonStage(IReadOnlyList<KeyValuePair<string, string?>> expressions, string? source, bool dropMalformed, StageContext context)
    {
        _expressions = [.. expressions.Select(e => (e.Key, JmesPath.Compile(e.Value ?? e.Key)))];
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

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(input);
        }
        catch (JsonException)
        {
            if (_dropMalformed)
            {
                _context.Dropped("malformed_json");
                return false;
            }

            return true;
        }

        using (doc)
        {
            foreach (var (name, path) in _expressions)
            {
                var result = path.Evaluate(doc.RootElement);
                if (result is { } r)
                {
                    entry.Extracted[name] = ToText(r);
                }
            }
        }

        return true;
    }

    /// <summary>Strings as themselves, numbers like Go's %v of a float64, objects and arrays as JSON.</summary>
    public static string ToText(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() ?? string.Empty,
        JsonValueKind.Number => e.TryGetDouble(out var d) ? d.ToString("R", CultureInfo.InvariantCulture) : e.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => e.GetRawText(),
    };
}
