using Runestone.Storage.Dedupe;
using Xunit;

namespace Runestone.Storage.Tests;

public sealed class TimestampFilterTests
{
    public static TheoryData<string, long[]> Blocks => new()
    {
        { "one entry", [42] },
        { "nanosecond clock, 2,500 entries", [.. Enumerable.Range(0, 2500).Select(i => 1_700_000_000_000_000_000L + (i * 37_123L))] },
        { "millisecond clock with repeats", [.. Enumerable.Range(0, 3000).Select(i => 1_700_000_000_000L * 1_000_000 + (i / 3 * 1_000_000L))] },
        { "negative and extreme", [long.MinValue, -5, 0, 5, long.MaxValue] },
    };

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Every_timestamp_of_the_block_may_be_contained(string name, long[] timestamps)
    {
        var filter = TimestampFilter.Of(timestamps);
        Assert.All(timestamps, ts => Assert.True(filter.MayContain(ts), $"{name}: {ts}"));
    }

    [Fact]
    public void Timestamps_between_the_entries_are_mostly_ruled_out()
    {
        var timestamps = Enumerable.Range(0, 2500).Select(i => 1_700_000_000_000_000_000L + (i * 1000L)).ToArray();
        var filter = TimestampFilter.Of(timestamps);
        var maybe = 0;
        const int Probes = 100_000;
        for (var i = 0; i < Probes; i++)
        {
            // Never a timestamp of the block: offsets 1..999 past one.
            if (filter.MayContain(timestamps[i % timestamps.Length] + 1 + (i % 999)))
            {
                maybe++;
            }
        }

        Assert.InRange(maybe, 0, Probes / 200); // under 0.5% false positives (~0.25% expected) at 16 bits an entry
        Assert.InRange(filter.Bytes, 5000, 5100);
    }
}
