using Runestone.Core.Labels;
using Runestone.Server.Configuration;
using Runestone.Server.Limits;
using Xunit;

namespace Runestone.Server.Tests.Limits;

public sealed class TenantLimitsTests
{
    private const long MB = 1 << 20;

    [Fact]
    public void Tenant_rate_allows_the_burst_then_refuses_with_Lokis_message()
    {
        var clock = new FakeClock();
        var limits = new TenantLimits(new LimitsOptions(), clock);

        Assert.True(limits.TryAcquireTenant("team-a", 6 * MB, 1000, out _));
        Assert.False(limits.TryAcquireTenant("team-a", 1024, 7, out var error));
        Assert.Equal(
            "Ingestion rate limit exceeded for user team-a (limit: 4194304 bytes/sec) while attempting to ingest '7' lines totaling '1024' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased",
            error);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limits.TryAcquireTenant("team-a", 4 * MB, 1, out _));
        Assert.False(limits.TryAcquireTenant("team-a", 1, 1, out _));
    }

    [Fact]
    public void Tenants_have_separate_budgets()
    {
        var limits = new TenantLimits(new LimitsOptions { IngestionRateMB = 1, IngestionBurstSizeMB = 1 }, new FakeClock());

        Assert.True(limits.TryAcquireTenant("a", MB, 1, out _));
        Assert.False(limits.TryAcquireTenant("a", 1, 1, out _));
        Assert.True(limits.TryAcquireTenant("b", MB, 1, out _));
    }

    [Fact]
    public void Stream_rate_is_per_stream_and_names_it()
    {
        var clock = new FakeClock();
        var limits = new TenantLimits(new LimitsOptions(), clock);
        var web = LabelSet.Of(("app", "web"));
        var db = LabelSet.Of(("app", "db"));

        Assert.True(limits.TryAcquireStream("fake", web.Fingerprint, web, 15 * MB, out _));
        Assert.False(limits.TryAcquireStream("fake", web.Fingerprint, web, 100, out var error));
        Assert.Equal(
            "Per stream rate limit exceeded (limit: 3MB/sec) while attempting to ingest for stream '{app=\"web\"}' totaling 100B, consider splitting a stream via additional labels or contact your Loki administrator to see if the limit can be increased",
            error);
        Assert.True(limits.TryAcquireStream("fake", db.Fingerprint, db, 15 * MB, out _));
        Assert.True(limits.TryAcquireStream("other", web.Fingerprint, web, 15 * MB, out _));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limits.TryAcquireStream("fake", web.Fingerprint, web, 3 * MB, out _));
        Assert.False(limits.TryAcquireStream("fake", web.Fingerprint, web, 1, out _));
    }

    [Fact]
    public void Stream_limit_refuses_new_streams_at_the_maximum_with_Lokis_message()
    {
        var limits = new TenantLimits(new LimitsOptions { MaxGlobalStreamsPerUser = 2 }, new FakeClock());
        var labels = LabelSet.Of(("app", "web"), ("pod", "web-3"));

        Assert.True(limits.TryAdmitNewStream("team-a", 0, labels, out _));
        Assert.True(limits.TryAdmitNewStream("team-a", 1, labels, out _));
        Assert.False(limits.TryAdmitNewStream("team-a", 2, labels, out var error));
        Assert.Equal(
            "Maximum active stream limit exceeded when trying to create stream {app=\"web\", pod=\"web-3\"}, reduce the number of active streams (reduce labels or reduce label values), or contact your Loki administrator to see if the limit can be increased, user: 'team-a'",
            error);
    }

    [Fact]
    public void Zero_disables_each_limit()
    {
        var limits = new TenantLimits(
            new LimitsOptions { IngestionRateMB = 0, PerStreamRateLimit = 0, MaxGlobalStreamsPerUser = 0 },
            new FakeClock());
        var labels = LabelSet.Of(("a", "b"));

        Assert.True(limits.TryAcquireTenant("t", 1L << 40, 1, out _));
        Assert.True(limits.TryAcquireStream("t", labels.Fingerprint, labels, 1L << 40, out _));
        Assert.True(limits.TryAdmitNewStream("t", 1_000_000, labels, out _));
        Assert.Equal(0, limits.TrackedStreams("t"));
    }

    [Fact]
    public void Stream_limiters_are_forgotten_and_swept()
    {
        var clock = new FakeClock();
        var limits = new TenantLimits(new LimitsOptions(), clock);
        var a = LabelSet.Of(("app", "a"));
        var b = LabelSet.Of(("app", "b"));
        limits.TryAcquireStream("t", a.Fingerprint, a, 1, out _);
        limits.TryAcquireStream("t", b.Fingerprint, b, 1, out _);
        Assert.Equal(2, limits.TrackedStreams("t"));

        limits.ForgetStream("t", a.Fingerprint);
        Assert.Equal(1, limits.TrackedStreams("t"));

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, limits.SweepIdleStreams(TimeSpan.FromMinutes(5)));
        Assert.Equal(0, limits.TrackedStreams("t"));
    }

    [Fact]
    public void Accepting_path_does_not_allocate_once_warm()
    {
        var limits = new TenantLimits(new LimitsOptions { IngestionRateMB = 1e6, IngestionBurstSizeMB = 1e6 }, new FakeClock());
        var labels = LabelSet.Of(("app", "web"));
        limits.TryAcquireTenant("t", 1, 1, out _);
        limits.TryAcquireStream("t", labels.Fingerprint, labels, 1, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            limits.TryAcquireTenant("t", 10, 1, out _);
            limits.TryAcquireStream("t", labels.Fingerprint, labels, 10, out _);
            limits.TryAdmitNewStream("t", 1, labels, out _);
        }

        // Less than one byte per call: nothing is allocated per call (one-off JIT tiering noise aside).
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1000, "the accepting path allocated per call");
    }
}
