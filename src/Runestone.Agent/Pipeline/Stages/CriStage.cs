using System.Text;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// <c>cri</c>: parses <c>&lt;time&gt; &lt;stream&gt; &lt;flags&gt; &lt;content&gt;</c>, sets the <c>stream</c> label, the
/// timestamp and the line; joins <c>P</c> (partial) lines of a stream until the <c>F</c> line.
/// </summary>
public sealed class CriStage(int maxPartialLines, long maxPartialLineSize, bool truncate) : Stage
{
    private readonly Dictionary<string, Partial> _partials = new(StringComparer.Ordinal);
    private readonly ValueInterner _flags = new();

    public override string Name => "cri";

    public override bool HasPending => _partials.Count > 0;

    public override void Process(PipelineEntry entry, IStageSink next)
    {
        var line = entry.Line.AsSpan();
        var s1 = line.IndexOf(' ');
        if (s1 <= 0)
        {
            next.Emit(entry);
            return;
        }

        var rest = line[(s1 + 1)..];
        var s2 = rest.IndexOf(' ');
        if (s2 <= 0 || !(rest[..s2] is "stdout" or "stderr"))
        {
            next.Emit(entry);
            return;
        }

        var afterStream = rest[(s2 + 1)..];
        var s3 = afterStream.IndexOf(' ');
        ReadOnlySpan<char> flags;
        ReadOnlySpan<char> content;
        if (s3 < 0)
        {
            flags = afterStream;
            content = [];
        }
        else
        {
            flags = afterStream[..s3];
            content = afterStream[(s3 + 1)..];
        }

        if (flags.IsEmpty)
        {
            next.Emit(entry);
            return;
        }

        var time = line[..s1].ToString();
        var stream = rest[..s2] is "stdout" ? "stdout" : "stderr";
        entry.Extracted["time"] = time;
        entry.Extracted["stream"] = stream;
        entry.Extracted["flags"] = _flags.Get(flags);
        entry.Labels["stream"] = stream;
        if (CriTime.TryParse(time, out var ns))
        {
            entry.TimestampNs = ns;
        }

        var partialLine = flags.Contains('P');
        // The stream key costs a label-set build; full lines with nothing pending skip it.
        var key = partialLine || _partials.Count > 0 ? entry.StreamKey() : string.Empty;
        if (partialLine)
        {
            if (!_partials.TryGetValue(key, out var partial))
            {
                partial = new Partial(entry);
                _partials[key] = partial;
            }

            Append(partial, content);
            partial.Lines++;
            if (partial.Lines >= maxPartialLines)
            {
                _partials.Remove(key);
                EmitPartial(partial, next);
            }

            return;
        }

        if (_partials.Count > 0 && _partials.Remove(key, out var pending))
        {
            Append(pending, content);
            EmitPartial(pending, next, entry);
            return;
        }

        var text = content.ToString();
        if (maxPartialLineSize > 0 && truncate && text.Length > maxPartialLineSize)
        {
            text = text[..(int)maxPartialLineSize];
        }

        entry.Extracted["content"] = text;
        entry.Line = text;
        next.Emit(entry);
    }

    public override void Flush(DateTimeOffset now, IStageSink next, bool force)
    {
        if (!force || _partials.Count == 0)
        {
            return;
        }

        foreach (var p in _partials.Values.ToArray())
        {
            EmitPartial(p, next);
        }

        _partials.Clear();
    }

    private void Append(Partial partial, ReadOnlySpan<char> content)
    {
        if (maxPartialLineSize > 0 && partial.Buffer.Length + content.Length > maxPartialLineSize)
        {
            if (truncate)
            {
                var room = (int)Math.Max(0, maxPartialLineSize - partial.Buffer.Length);
                partial.Buffer.Append(content[..Math.Min(room, content.Length)]);
            }
            else
            {
                partial.Buffer.Append(content);
            }

            return;
        }

        partial.Buffer.Append(content);
    }

    private static void EmitPartial(Partial partial, IStageSink next, PipelineEntry? last = null)
    {
        var entry = last ?? partial.First;
        if (last is not null)
        {
            entry.TimestampNs = partial.First.TimestampNs;
        }

        var text = partial.Buffer.ToString();
        entry.Extracted["content"] = text;
        entry.Line = text;
        next.Emit(entry);
    }

    private sealed class Partial(PipelineEntry first)
    {
        public PipelineEntry First { get; } = first;

        public StringBuilder Buffer { get; } = new();

        public int Lines { get; set; }
    }
}
