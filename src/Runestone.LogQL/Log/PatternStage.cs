namespace Runestone.LogQL.Log;

/// <summary><c>| pattern "&lt;ip&gt; - &lt;_&gt; ..."</c>: named captures become labels (a partial match keeps what matched).</summary>
internal sealed class PatternStage(PatternExpression pattern) : Stage
{
    private readonly ExtractedLabels _extracted = new();
    private readonly ValueCache _values = new();
    private readonly Range[] _captures = new Range[pattern.CaptureCount];

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        _extracted.Begin();
        var matched = pattern.Match(line, _captures);
        for (var i = 0; i < matched; i++)
        {
            if (pattern.Names[i] is { } name)
            {
                _extracted.Add(labels, name, _values.Get(line[_captures[i]]));
            }
        }

        return true;
    }
}
