namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>logfmt</c>: extracts mapped keys of a logfmt line.</summary>
public sealed class LogfmtStage(IReadOnlyList<KeyValuePair<string, string?>> mapping, string? source) : Stage
{
    public override string Name => "logfmt";

    protected override bool Apply(PipelineEntry entry)
    {
        string input;
        if (source is null)
        {
            input = entry.Line;
        }
        else if (!entry.Extracted.TryGetValue(source, out input!))
        {
            return true;
        }

        var pairs = Logfmt.Parse(input);
        foreach (var (name, key) in mapping)
        {
            var wanted = key ?? name;
            for (var i = pairs.Count - 1; i >= 0; i--)
            {
                if (pairs[i].Key == wanted)
                {
                    entry.Extracted[name] = pairs[i].Value;
                    break;
                }
            }
        }

        return true;
    }
}
