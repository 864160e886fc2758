namespace Runestone.Server.Limits;

/// <summary>
/// A token bucket like Go's <c>rate.Limiter</c> (what Loki uses): it holds up to <c>burst</c>
/// tokens, starts full and refills at <c>rate</c> tokens per second. Time comes from a
/// <see cref="TimeProvider"/>; calls are thread-safe and allocate nothing. A rate of 0 or less
/// means no limit.
/// </summary>
public sealed class RateLimiter
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private readonly double _ticksPerSecond;
    private double _rate;
    private double _burst;
    private double _tokens;
    private long _lastRefill;
    private long _lastUse;

    public RateLimiter(double ratePerSecond, double burst, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        _ticksPerSecond = clock.TimestampFrequency;
        _rate = ratePerSecond;
        _burst = Math.Max(0, burst);
        _tokens = _burst;
        _lastRefill = _lastUse = clock.GetTimestamp();
    }

    /// <summary>Tokens per second; 0 or less is unlimited.</summary>
    public double Rate
    {
        get
        {
            lock (_lock)
            {
                return _rate;
            }
        }
    }

    public double Burst
    {
        get
        {
            lock (_lock)
            {
                return _burst;
            }
        }
    }

    /// <summary>The tokens available now.</summary>
    public double Available
    {
        get
        {
            lock (_lock)
            {
                Refill(_clock.GetTimestamp());
                return _tokens;
            }
        }
    }

    /// <summary>Takes <paramref name="tokens"/> if the bucket holds them; otherwise takes nothing and returns false (a request above the burst never passes).</summary>
    public bool TryAcquire(double tokens)
    {
        lock (_lock)
        {
            var now = _clock.GetTimestamp();
            _lastUse = now;
            if (_rate <= 0)
            {
                return true;
            }

            Refill(now);
            if (tokens > _tokens)
            {
                return false;
            }

            _tokens -= tokens;
            return true;
        }
    }

    /// <summary>Changes rate and burst (for example on a configuration reload), keeping the tokens held, capped at the new burst.</summary>
    public void SetLimits(double ratePerSecond, double burst)
    {
        lock (_lock)
        {
            Refill(_clock.GetTimestamp());
            _rate = ratePerSecond;
            _burst = Math.Max(0, burst);
            _tokens = Math.Min(_tokens, _burst);
        }
    }

    /// <summary>True when the limiter has not been used for <paramref name="idle"/>: it is full again and can be dropped.</summary>
    public bool IsIdleFor(TimeSpan idle)
    {
        lock (_lock)
        {
            return _clock.GetElapsedTime(_lastUse) >= idle;
        }
    }

    private void Refill(long now)
    {
        var elapsedTicks = now - _lastRefill;
        if (elapsedTicks <= 0)
        {
            return;
        }

        _lastRefill = now;
        if (_rate > 0)
        {
            _tokens = Math.Min(_burst, _tokens + (elapsedTicks / _ticksPerSecond * _rate));
        }
    }
}
