using Runestone.Agent.Shipping;

namespace Runestone.Agent.Pipeline;

/// <summary>
/// A pipeline shared by the connections of a network target (or fed by one reader): entries go in
/// one at a time, survivors go to the sink, carrying the source and offset they were read at when
/// the source commits positions (<see cref="ICommittable"/>).
/// </summary>
public sealed class PipelineRunner : IAsyncDisposable
{
    private readonly Pipeline _pipeline;
    private readonly ListSink _out = new();
    private readonly IEntrySink _sink;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _flusher;
    private ICommittable? _source;
    private long _offset = -1;

    public PipelineRunner(IReadOnlyList<Stage> stages, IEntrySink sink, TimeProvider clock)
    {
        _pipeline = new Pipeline(stages, _out);
        _sink = sink;
        _clock = clock;
        _flusher = FlushLoopAsync(_stop.Token);
    }

    public async ValueTask ProcessAsync(PipelineEntry entry, CancellationToken cancellationToken) =>
        await ProcessAsync(entry, null, -1, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs an entry read at <paramref name="offset"/> of <paramref name="source"/>; what comes out
    /// carries that offset. False when the entry yielded nothing and no stage holds anything (it was
    /// dropped), so the source may move its position past it.
    /// </summary>
    public async ValueTask<bool> ProcessAsync(PipelineEntry entry, ICommittable? source, long offset, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _source = source;
            _offset = source is null ? -1 : offset;
            _pipeline.Process(entry);
            var yielded = _out.Entries.Count > 0 || _pipeline.HasPending;
            await DrainAsync(cancellationToken).ConfigureAwait(false);
            return yielded;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _flusher.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            _pipeline.Flush(_clock.GetUtcNow(), force: true);
            await DrainAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }

        _stop.Dispose();
    }

    private async ValueTask DrainAsync(CancellationToken ct)
    {
        foreach (var e in _out.Entries)
        {
            await _sink.SendAsync(EntryFinisher.Finish(e, _source, 0, _offset), ct).ConfigureAwait(false);
        }

        _out.Entries.Clear();
    }

    private async Task FlushLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), _clock, ct).ConfigureAwait(false);
            await _lock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                _pipeline.Flush(_clock.GetUtcNow(), force: false);
                await DrainAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        }
    }
}
