using System.Text.RegularExpressions;
using Runestone.Agent.Relabeling;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>regex</c>: named capture groups of an RE2 expression go to the extracted map.</summary>
public sealed class RegexStage : Stage
{
    private readonly Regex _regex;
    private readonly string? _source;
    private readonly string[] _names;

    public RegexStage(string expression, string? source)
    {
        _regex = GoRegex.Compile(expression, anchored: false);
        _source = source;
        _names = [.. _regex.GetGroupNames().Where(n => !int.TryParse(n, out _))];
        if (_names.Length == 0)
        {
            throw new ArgumentException("regex expression must contain at least one named capture group like (?P<name>...)");
        }
    }

    public override string Name => "regex";

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

        var m = _regex.Match(input);
        if (!m.Success)
        {
            return true;
        }

        foreach (var name in _names)
        {
            var g = m.Groups[name];
            if (g.Success)
            {
                entry.Extracted[name] = g.Value;
            }
        }

        return true;
    }
}
