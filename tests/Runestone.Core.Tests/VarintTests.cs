using Runestone.Core.Binary;
using Xunit;

namespace Runestone.Core.Tests;

public sealed class VarintTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(-1L)]
    [InlineData(127L)]
    [InlineData(128L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Signed_varints_round_trip(long value)
    {
        Span<byte> buffer = stackalloc byte[Varint.MaxLength];
        var written = Varint.WriteSigned(buffer, value);
        Assert.Equal(written, Varint.TryReadSigned(buffer[..written], out var read));
        Assert.Equal(value, read);
    }

    [Fact]
    public void Truncated_and_overlong_varints_read_as_zero_bytes()
    {
        Assert.Equal(0, Varint.TryRead([0x80, 0x80], out _));
        Assert.Equal(0, Varint.TryRead([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], out _));
    }
}
