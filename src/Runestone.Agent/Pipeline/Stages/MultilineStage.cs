using System.Text;
using System.Text.RegularExpressions;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// <c>multiline</c>: joins lines of a stream into one entry, starting a new block at each line
/// matching <c>firstline</c>; a block is sent when the next one starts, after <c>max_lines</c>,
/// or when no line came for <c>max_wait_time</c>.
/// </summary>
public sealed class MultilineStage(Regex firstLine, TimeSpan maxWait, int maxLines, TimeProvider clock) : Stage
{
    private readonly Dictionary<string, Block> _blocks = new(StringComparer.Ordinal);

    public override string Name => "multiline";

    public override bool HasPending => _blocks.Count > 0;

    public override void Process(PipelineEntry entry, IStageSink next)
    {
        var key = entry.StreamKey();
        var isFirst = firstLine.IsMatch(entry.Line);
        if (_blocks.TryGetValue(key, out var block))
        {
            if (isFirst)
            {
                _blocks.Remove(key);
                Emit(block, next);
            }
            else
            {
                block.Text.Append('\n').Append(entry.Line);
                block.Lines++;
                block.LastSeen = clock.GetUtcNow();
                if (block.Lines >= maxLines)
                {
                    _blocks.Remove(key);
                    Emit(block, next);
                }

                return;
            }
        }

        var fresh = new Block(entry) { LastSeen = clock.GetUtcNow(), Lines = 1 };
        fresh.Text.Append(entry.Line);
        _blocks[key] = fresh;
        if (maxLines <= 1)
        {
            _blocks.Remove(key);
            Emit(fresh, next);
        }
    }

    public override void Flush(DateTimeOffset now, IStageSink next, bool force)
    {
        foreach (var (key, block) in _blocks.ToArray())
        {
            if (force || now - block.LastSeen >= maxWait)
            {
                _blocks.Remove(key);
                Emit(block, next);
            }
        }
    }

    private static void Emit(Block block, IStageSink next)
    {
        block.First.Line = block.Text.ToString();
        next.Emit(block.First);
    }

    private sealed class Block(PipelineEntry first)
    {
        public PipelineEntry First { get; } = first;

        public StringBuilder Text { get; } = new();

        public int Lines { get; set; }

        public DateTimeOffset LastSeen { get; set; }
    }
}
