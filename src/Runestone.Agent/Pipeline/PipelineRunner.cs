using Runestone.Agent.Shipping;

namespace Runestone.Agent.Pipeline;

/// <summary>A pipeline shared by the connections of a network target: entries go in one at a time, survivors go to the sink.</summary>
public sealed class PipelineRunner : IAsyncDisposable
{
    private readonly Pipeline _pipeline;
    private readonly ListSink _out = new();
    private readonly IEntrySink _sink;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _flusher;

    public PipelineRunner(IReadOnlyList<Stage> stages, IEntrySink sink, TimeProvider clock)
    {
        _pipeline = new Pipeline(stages, _out);
        _sink = sink;
        _clock = clock;
        _flusher = FlushLoopAsync(_stop.Token);
    }

    public async ValueTask ProcessAsync(PipelineEntry entry, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _pipeline.Process(entry);
            await DrainAsync(cancellationToken).ConfigureAwait(false);
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
            await _sink.SendAsync(EntryFinisher.Finish(e, null, 0, -1), ct).ConfigureAwait(false);
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
