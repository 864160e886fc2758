namespace Runestone.LogQL.Log;

/// <summary>
/// <c>| pattern "&lt;ip&gt; - &lt;_&gt; ..."</c>: named captures become labels (a partial match keeps
/// what matched). With hints (the labels a metric query uses), captures the query never reads
/// are not turned into labels, and a pattern none of whose captures are needed is not matched
/// at all, as Loki's pattern parser does.
/// </summary>
internal sealed class PatternStage : Stage
{
    private readonly PatternExpression _pattern;
    private readonly string?[] _names;
    private readonly bool _anyName;
    private readonly ExtractedLabels _extracted = new();
    private readonly ValueCache _values = new();
    private readonly Range[] _captures;

    public PatternStage(PatternExpression pattern, IReadOnlySet<string>? hints = null)
    {
        _pattern = pattern;
        _captures = new Range[pattern.CaptureCount];
        _names = new string?[pattern.Names.Count];
        for (var i = 0; i < _names.Length; i++)
        {
            var name = pattern.Names[i];
            if (name is not null && (hints is null || hints.Contains(name) || hints.Contains(name + LabelNames.ExtractedSuffix)))
            {
                _names[i] = name;
                _anyName = true;
            }
        }
    }

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        if (!_anyName)
        {
            return true;
        }

        _extracted.Begin();
        var matched = _pattern.Match(line, _captures);
        for (var i = 0; i < matched; i++)
        {
            if (_names[i] is { } name)
            {
                _extracted.Add(labels, name, _values.Get(line[_captures[i]]));
            }
        }

        return true;
    }
}
