using Runestone.LogQL.Log;

namespace Runestone.LogQL.Tests;

/// <summary>Go's time.ParseDuration, as its documentation describes it (the unwrap duration() conversion).</summary>
public class GoDurationTests
{
    [Theory]
    [InlineData("300ms", 0.3)]
    [InlineData("-1.5h", -5400)]
    [InlineData("2h45m", 9900)]
    [InlineData("1.5us", 1.5e-6)]
    [InlineData("1.5\u00b5s", 1.5e-6)]
    [InlineData("1.5\u03bcs", 1.5e-6)]
    [InlineData("10ns", 1e-8)]
    [InlineData("0", 0)]
    [InlineData("+0", 0)]
    [InlineData(".5s", 0.5)]
    [InlineData("1.s", 1)]
    [InlineData("1m30.25s", 90.25)]
    [InlineData(" 42ms ", 0.042)]
    public void Parses_what_Go_accepts(string text, double seconds)
    {
        Assert.True(GoDuration.TryParseSeconds(text, out var value));
        Assert.Equal(seconds, value, 9);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1d")]
    [InlineData(".s")]
    [InlineData("ms")]
    [InlineData("1msx")]
    [InlineData("-")]
    [InlineData("9223372036854775808ns")]
    [InlineData("3000000h")]
    public void Rejects_what_Go_rejects(string text)
    {
        Assert.False(GoDuration.TryParseSeconds(text, out _));
    }
}
