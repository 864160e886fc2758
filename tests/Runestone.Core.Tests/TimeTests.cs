using Runestone.Core.Time;
using Xunit;

namespace Runestone.Core.Tests;

public sealed class TimeTests
{
    [Theory]
    [InlineData("5m", 300_000_000_000L)]
    [InlineData("1h30m", 5_400_000_000_000L)]
    [InlineData("1.5s", 1_500_000_000L)]
    [InlineData("250ms", 250_000_000L)]
    [InlineData("1d", 86_400_000_000_000L)]
    [InlineData("1w", 604_800_000_000_000L)]
    [InlineData("90", 90_000_000_000L)]
    public void Durations_parse_like_go_and_prometheus(string text, long nanos)
    {
        Assert.True(DurationText.TryParse(text, out var span));
        Assert.Equal(nanos, UnixNanos.FromTimeSpan(span));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("m")]
    public void Bad_durations_are_refused(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Theory]
    [InlineData("1700000000", 1_700_000_000_000_000_000L)]
    [InlineData("1700000000.5", 1_700_000_000_500_000_000L)]
    [InlineData("1700000000123456789", 1_700_000_000_123_456_789L)]
    [InlineData("2023-11-14T22:13:20Z", 1_700_000_000_000_000_000L)]
    [InlineData("2023-11-14T22:13:20.123456789Z", 1_700_000_000_123_456_789L)]
    [InlineData("2023-11-15T00:13:20+02:00", 1_700_000_000_000_000_000L)]
    public void Loki_time_parameters_parse(string text, long nanos)
    {
        Assert.True(UnixNanos.TryParse(text, out var parsed));
        Assert.Equal(nanos, parsed);
    }

    [Fact]
    public void Rfc3339_text_trims_trailing_zeros()
    {
        Assert.Equal("2023-11-14T22:13:20Z", UnixNanos.ToRfc3339(1_700_000_000_000_000_000L));
        Assert.Equal("2023-11-14T22:13:20.5Z", UnixNanos.ToRfc3339(1_700_000_000_500_000_000L));
    }

    [Theory]
    [InlineData("1h30m")]
    [InlineData("5m")]
    [InlineData("10s")]
    [InlineData("250ms")]
    public void Durations_format_back(string text)
    {
        Assert.True(DurationText.TryParse(text, out var span));
        Assert.Equal(text, DurationText.Format(span));
    }
}
