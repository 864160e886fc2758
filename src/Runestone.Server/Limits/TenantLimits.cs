using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using Runestone.Core.Labels;
using Runestone.Server.Configuration;

namespace Runestone.Server.Limits;

/// <summary>
/// Per-tenant admission limits of a push, with Loki's 429 messages: the tenant's ingestion rate
/// (<c>ingestion_rate_mb</c> / <c>ingestion_burst_size_mb</c>), each stream's rate
/// (<c>per_stream_rate_limit</c> / <c>_burst</c>) and the number of active streams
/// (<c>max_global_streams_per_user</c>). Thread-safe; no allocation on the accepting path once a
/// tenant's and a stream's limiters exist.
/// </summary>
public sealed class TenantLimits
{
    private readonly LimitsOptions _limits;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);

    public TenantLimits(LimitsOptions limits, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(clock);
        _limits = limits;
        _clock = clock;
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> (line plus structured-metadata bytes of the valid entries of one
    /// push) from the tenant's ingestion budget; on refusal the whole push gets 429 and this message.
    /// </summary>
    public bool TryAcquireTenant(string tenant, long bytes, int lines, [NotNullWhen(false)] out string? error)
    {
        var state = State(tenant);
        if (state.Ingestion.TryAcquire(bytes))
        {
            error = null;
            return true;
        }

        error = RateLimited(tenant, (long)_limits.IngestionRateBytes, lines, bytes);
        return false;
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> from the stream's own budget (call it per entry, or per batch of
    /// one stream's entries); on refusal those entries get 429 and this message naming the stream.
    /// </summary>
    public bool TryAcquireStream(string tenant, ulong fingerprint, LabelSet labels, long bytes, [NotNullWhen(false)] out string? error)
    {
        if (_limits.PerStreamRateLimit <= 0)
        {
            error = null;
            return true;
        }

        var limiter = State(tenant).Streams.GetOrAdd(fingerprint, static (_, self) => self.NewStreamLimiter(), this);
        if (limiter.TryAcquire(bytes))
        {
            error = null;
            return true;
        }

        error = StreamRateLimited(_limits.PerStreamRateLimit, labels, bytes);
        return false;
    }

    /// <summary>
    /// Decides whether a new stream may be created for the tenant that has
    /// <paramref name="activeStreams"/> streams now; on refusal its entries get 429 and this message.
    /// </summary>
    public bool TryAdmitNewStream(string tenant, int activeStreams, LabelSet labels, [NotNullWhen(false)] out string? error)
    {
        var max = _limits.MaxGlobalStreamsPerUser;
        if (max <= 0 || activeStreams < max)
        {
            error = null;
            return true;
        }

        error = StreamLimit(tenant, labels);
        return false;
    }

    /// <summary>Drops the rate limiter of a stream that no longer exists (flushed and removed, or deleted).</summary>
    public void ForgetStream(string tenant, ulong fingerprint)
    {
        if (_tenants.TryGetValue(tenant, out var state))
        {
            state.Streams.TryRemove(fingerprint, out _);
        }
    }

    /// <summary>Drops the per-stream limiters unused for <paramref name="idle"/> (they are full again, so nothing is lost); returns how many.</summary>
    public int SweepIdleStreams(TimeSpan idle)
    {
        var removed = 0;
        foreach (var tenant in _tenants.Values)
        {
            foreach (var (fingerprint, limiter) in tenant.Streams)
            {
                if (limiter.IsIdleFor(idle) && tenant.Streams.TryRemove(fingerprint, out _))
                {
                    removed++;
                }
            }
        }

        return removed;
    }

    /// <summary>The number of per-stream limiters held for a tenant (for tests and diagnostics).</summary>
    public int TrackedStreams(string tenant) => _tenants.TryGetValue(tenant, out var state) ? state.Streams.Count : 0;

    private TenantState State(string tenant) =>
        _tenants.GetOrAdd(tenant, static (_, self) => new TenantState(new RateLimiter(self._limits.IngestionRateBytes, self._limits.IngestionBurstBytes, self._clock)), this);

    private RateLimiter NewStreamLimiter() => new(_limits.PerStreamRateLimit, _limits.PerStreamRateLimitBurst, _clock);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string RateLimited(string tenant, long limit, int lines, long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"Ingestion rate limit exceeded for user {tenant} (limit: {limit} bytes/sec) while attempting to ingest '{lines}' lines totaling '{bytes}' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string StreamRateLimited(long limit, LabelSet labels, long bytes) =>
        $"Per stream rate limit exceeded (limit: {ByteSizeText.Format(limit)}/sec) while attempting to ingest for stream '{labels}' totaling {ByteSizeText.Format(bytes)}, consider splitting a stream via additional labels or contact your Loki administrator to see if the limit can be increased";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string StreamLimit(string tenant, LabelSet labels) =>
        $"Maximum active stream limit exceeded when trying to create stream {labels}, reduce the number of active streams (reduce labels or reduce label values), or contact your Loki administrator to see if the limit can be increased, user: '{tenant}'";

    private sealed class TenantState(RateLimiter ingestion)
    {
        public RateLimiter Ingestion { get; } = ingestion;

        public ConcurrentDictionary<ulong, RateLimiter> Streams { get; } = new();
    }
}
