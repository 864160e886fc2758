using System.Text.Json;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>docker</c>: parses Docker's JSON log lines (<c>log</c>, <c>stream</c>, <c>time</c>).</summary>
public sealed class DockerStage : Stage
{
    public override string Name => "docker";

    protected override bool Apply(PipelineEntry entry)
    {
        try
        {
            using var doc = JsonDocument.Parse(entry.Line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return true;
            }

            string? log = null, stream = null, time = null;
            foreach (var p in root.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "log": log = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(); break;
                    case "stream": stream = p.Value.GetString(); break;
                    case "time": time = p.Value.GetString(); break;
                }
            }

            if (stream is not null)
            {
                entry.Extracted["stream"] = stream;
                entry.Labels["stream"] = stream;
            }

            if (time is not null)
            {
                entry.Extracted["time"] = time;
                if (CriTime.TryParse(time, out var ns))
                {
                    entry.TimestampNs = ns;
                }
            }

            if (log is not null)
            {
                entry.Extracted["output"] = log;
                entry.Line = log;
            }
        }
        catch (JsonException)
        {
            // Not a Docker line: passed on unchanged, as Promtail does.
        }

        return true;
    }
}
