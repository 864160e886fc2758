namespace Runestone.Agent.Shipping;

/// <summary><c>limits_config.readline_rate</c>: a token bucket over all read lines; over the rate lines are dropped or wait.</summary>
public sealed class RateLimitedSink(IEntrySink inner, double rate, int burst, bool drop, TimeProvider clock, Action onDropped) : IEntrySink
{
    private readonly object _lock = new();
    private double _tokens = burst;
    private long _last = clock.GetTimestamp();

    public async ValueTask SendAsync(ShipEntry entry, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = clock.GetTimestamp();
                _tokens = Math.Min(burst, _tokens + (clock.GetElapsedTime(_last, now).TotalSeconds * rate));
                _last = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    break;
                }

                wait = TimeSpan.FromSeconds((1 - _tokens) / rate);
            }

            if (drop)
            {
                onDropped();
                // The entry is given up on purpose: its position may move past it.
                entry.Source?.Commit(0, entry.Generation, entry.Offset);
                return;
            }

            await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
        }

        await inner.SendAsync(entry, cancellationToken).ConfigureAwait(false);
    }
}
