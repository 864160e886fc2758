using System.Text;
using System.Text.Json;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// <c>pack</c>: moves the listed labels (and extracted values) into a JSON line
/// <c>{"label":"v",…,"_entry":"line"}</c>, optionally stamping the entry with the read time.
/// </summary>
public sealed class PackStage(IReadOnlyList<string> names, bool ingestTimestamp) : Stage
{
    public override string Name => "pack";

    protected override bool Apply(PipelineEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var name in names.OrderBy(n => n, StringComparer.Ordinal))
            {
                if (entry.Labels.Remove(name, out var v))
                {
                    writer.WriteString(name, v);
                }
                else if (entry.Extracted.TryGetValue(name, out v))
                {
                    writer.WriteString(name, v);
                }
            }

            writer.WriteString("_entry", entry.Line);
            writer.WriteEndObject();
        }

        entry.Line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        if (ingestTimestamp && entry.ReadTimeNs != 0)
        {
            entry.TimestampNs = entry.ReadTimeNs;
        }

        return true;
    }
}
