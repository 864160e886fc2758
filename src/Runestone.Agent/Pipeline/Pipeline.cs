namespace Runestone.Agent.Pipeline;

/// <summary>Runs entries through stages in order; entries that survive reach the output sink.</summary>
public sealed class Pipeline
{
    private readonly Stage[] _stages;
    private readonly Link[] _links;

    public Pipeline(IReadOnlyList<Stage> stages, IStageSink output)
    {
        _stages = [.. stages];
        _links = new Link[_stages.Length];
        IStageSink next = output;
        for (var i = _stages.Length - 1; i >= 0; i--)
        {
            _links[i] = new Link(_stages[i], next);
            next = _links[i];
        }

        Head = _stages.Length == 0 ? output : _links[0];
    }

    /// <summary>Where entries enter the pipeline.</summary>
    public IStageSink Head { get; }

    public IReadOnlyList<Stage> Stages => _stages;

    public void Process(PipelineEntry entry) => Head.Emit(entry);

    /// <summary>True while any stage holds entries back.</summary>
    public bool HasPending => _stages.Any(s => s.HasPending);

    /// <summary>Lets buffering stages release what has waited long enough (or everything when forced).</summary>
    public void Flush(DateTimeOffset now, bool force)
    {
        for (var i = 0; i < _stages.Length; i++)
        {
            var next = i + 1 < _links.Length ? (IStageSink)_links[i + 1] : _links[i].Next;
            _stages[i].Flush(now, next, force);
        }
    }

    private sealed class Link(Stage stage, IStageSink next) : IStageSink
    {
        public IStageSink Next { get; } = next;

        public void Emit(PipelineEntry entry) => stage.Process(entry, Next);
    }
}
