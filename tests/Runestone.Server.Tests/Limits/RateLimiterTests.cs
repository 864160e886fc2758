using Runestone.Server.Limits;
using Xunit;

namespace Runestone.Server.Tests.Limits;

public sealed class RateLimiterTests
{
    [Fact]
    public void Starts_full_and_refills_at_the_rate_up_to_the_burst()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(100, 300, clock);

        Assert.True(limiter.TryAcquire(300));
        Assert.False(limiter.TryAcquire(1));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(100));
        Assert.False(limiter.TryAcquire(1));

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(300, limiter.Available, precision: 6);
    }

    [Fact]
    public void A_refused_request_takes_nothing()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(10, 50, clock);

        Assert.False(limiter.TryAcquire(51));
        Assert.Equal(50, limiter.Available, precision: 6);
        Assert.True(limiter.TryAcquire(50));
    }

    [Fact]
    public void Request_larger_than_burst_never_passes()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(1000, 10, clock);
        clock.Advance(TimeSpan.FromDays(1));

        Assert.False(limiter.TryAcquire(11));
    }

    [Fact]
    public void Fractional_refill_accumulates()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(10, 10, clock);
        Assert.True(limiter.TryAcquire(10));

        for (var i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.True(limiter.TryAcquire(5));
        Assert.False(limiter.TryAcquire(0.5));
    }

    [Fact]
    public void Zero_rate_means_unlimited()
    {
        var limiter = new RateLimiter(0, 0, new FakeClock());

        Assert.True(limiter.TryAcquire(long.MaxValue));
    }

    [Fact]
    public void SetLimits_caps_held_tokens_at_the_new_burst()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(100, 1000, clock);

        limiter.SetLimits(10, 20);

        Assert.Equal(20, limiter.Available, precision: 6);
        Assert.Equal(10, limiter.Rate);
        Assert.Equal(20, limiter.Burst);
    }

    [Fact]
    public void Concurrent_acquires_never_exceed_the_burst()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(1, 10_000, clock);
        var granted = 0;

        Parallel.For(0, 20_000, _ =>
        {
            if (limiter.TryAcquire(1))
            {
                Interlocked.Increment(ref granted);
            }
        });

        Assert.Equal(10_000, granted);
    }

    [Fact]
    public void Acquire_does_not_allocate()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(1e12, 1e12, clock);
        limiter.TryAcquire(1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            limiter.TryAcquire(1);
        }

        // Less than one byte per call: nothing is allocated per call (one-off JIT tiering noise aside).
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1000, "the accepting path allocated per call");
    }

    [Fact]
    public void Idle_is_measured_from_the_last_use()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(1, 1, clock);
        clock.Advance(TimeSpan.FromMinutes(4));
        limiter.TryAcquire(1);
        clock.Advance(TimeSpan.FromMinutes(4));

        Assert.False(limiter.IsIdleFor(TimeSpan.FromMinutes(5)));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.IsIdleFor(TimeSpan.FromMinutes(5)));
    }
}
