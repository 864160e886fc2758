using System.Text.Json;

namespace Runestone.LogQL.Log;

/// <summary><c>| json a="b.c", first="items[0]"</c>: extracts only the listed paths.</summary>
internal sealed class JsonExpressionStage((string Name, JsonPath Path)[] expressions) : Stage
{
    private readonly ExtractedLabels _extracted = new();

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        _extracted.Begin();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.ToArray());
        }
        catch (JsonException e)
        {
            labels.SetError(ErrorNames.Json, e.Message);
            return true;
        }

        using (document)
        {
            foreach (var (name, path) in expressions)
            {
                var value = path.Evaluate(document.RootElement);
                if (value is not null)
                {
                    _extracted.Add(labels, name, value);
                }
            }
        }

        return true;
    }
}
