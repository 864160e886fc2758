using System.Text;
using System.Text.RegularExpressions;
using Runestone.Agent.Relabeling;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// <c>replace</c>: every captured group of every match in the source (the line by default) is
/// replaced by the template's output, where <c>.Value</c> is the captured text; named groups are also extracted.
/// </summary>
public sealed class ReplaceStage(string expression, string? source, StageTemplate replacement) : Stage
{
    private readonly Regex _regex = GoRegex.Compile(expression, anchored: false);

    public override string Name => "replace";

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

        var matches = _regex.Matches(input);
        if (matches.Count == 0)
        {
            return true;
        }

        var sb = new StringBuilder(input.Length);
        List<(string Name, string Value)>? named = null;
        var pos = 0;
        foreach (Match m in matches)
        {
            for (var g = 1; g < m.Groups.Count; g++)
            {
                var group = m.Groups[g];
                if (!group.Success || group.Index < pos)
                {
                    continue;
                }

                // Promtail's replace data is the extracted map and .Value (no .Entry); a failing template changes nothing.
                if (!replacement.TryRender(entry.Extracted, group.Value, entry: null, out var replaced))
                {
                    return true;
                }

                if (!int.TryParse(group.Name, out _))
                {
                    (named ??= []).Add((group.Name, group.Value));
                }

                sb.Append(input, pos, group.Index - pos).Append(replaced);
                pos = group.Index + group.Length;
            }
        }

        sb.Append(input, pos, input.Length - pos);

        // Every template saw the extracted map as it was before this stage.
        if (named is not null)
        {
            foreach (var (name, value) in named)
            {
                entry.Extracted[name] = value;
            }
        }

        if (source is null)
        {
            entry.Line = sb.ToString();
        }
        else
        {
            entry.Extracted[source] = sb.ToString();
        }

        return true;
    }
}
