using System.Buffers;
using System.Text;
using Runestone.Core.Labels;
using Runestone.Core.Logs;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// <c>match</c>: entries whose labels match the LogQL selector (and whose line passes its line
/// filters) run through the nested stages, or are dropped with <c>action: drop</c>; others pass unchanged.
/// </summary>
public sealed class MatchStage : Stage
{
    private readonly IReadOnlyList<LabelMatcher> _matchers;
    private readonly ILineFilter? _lineFilter;
    private readonly Pipeline? _nested;
    private readonly bool _drop;
    private readonly string _reason;
    private readonly StageContext _context;
    private IStageSink? _currentNext;

    public MatchStage(IReadOnlyList<LabelMatcher> matchers, ILineFilter? lineFilter, IReadOnlyList<Stage>? stages, bool drop, string reason, StageContext context)
    {
        _matchers = matchers;
        _lineFilter = lineFilter;
        _drop = drop;
        _reason = reason;
        _context = context;
        if (stages is { Count: > 0 })
        {
            _nested = new Pipeline(stages, new DelegateSink(e => _currentNext!.Emit(e)));
        }
    }

    public override string Name => "match";

    public override bool HasPending => _nested?.HasPending ?? false;

    public override void Process(PipelineEntry entry, IStageSink next)
    {
        if (!Matches(entry))
        {
            next.Emit(entry);
            return;
        }

        if (_drop)
        {
            _context.Dropped(_reason);
            return;
        }

        if (_nested is null)
        {
            next.Emit(entry);
            return;
        }

        _currentNext = next;
        _nested.Process(entry);
    }

    public override void Flush(DateTimeOffset now, IStageSink next, bool force)
    {
        if (_nested is not null)
        {
            _currentNext = next;
            _nested.Flush(now, force);
        }
    }

    private bool Matches(PipelineEntry entry)
    {
        foreach (var m in _matchers)
        {
            if (!m.Matches(entry.Labels.TryGetValue(m.Name, out var v) ? v : string.Empty))
            {
                return false;
            }
        }

        if (_lineFilter is null)
        {
            return true;
        }

        var max = Encoding.UTF8.GetMaxByteCount(entry.Line.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = Encoding.UTF8.GetBytes(entry.Line, rented);
            return _lineFilter.Matches(rented.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
