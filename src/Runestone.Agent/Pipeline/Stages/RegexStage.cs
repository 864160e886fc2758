using System.Text.RegularExpressions;
using Runestone.Agent.Relabeling;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>regex</c>: named capture groups of an RE2 expression go to the extracted map.</summary>
public sealed class RegexStage : Stage
{
    private readonly Regex _regex;
    private readonly string? _source;
    private readonly string[] _names;
    private readonly int[] _numbers;
    private readonly ValueInterner _values = new();

    public RegexStage(string expression, string? source)
    {
        _regex = GoRegex.Compile(expression, anchored: false);
        _source = source;
        _names = [.. _regex.GetGroupNames().Where(n => !int.TryParse(n, out _))];
        if (_names.Length == 0)
        {
            throw new ArgumentException("regex expression must contain at least one named capture group like (?P<name>...)");
        }

        _numbers = new int[_names.Length];
        for (var i = 0; i < _names.Length; i++)
        {
            _numbers[i] = _regex.GroupNumberFromName(_names[i]);
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

        var groups = m.Groups;
        for (var i = 0; i < _names.Length; i++)
        {
            var g = groups[_numbers[i]];
            if (g.Success)
            {
                entry.Extracted[_names[i]] = _values.Get(g.ValueSpan);
            }
        }

        return true;
    }
}
