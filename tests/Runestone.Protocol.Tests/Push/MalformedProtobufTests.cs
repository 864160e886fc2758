using Runestone.Protocol.Push;
using static Runestone.Protocol.Tests.Push.PushTestData;
using Xunit;

namespace Runestone.Protocol.Tests.Push;

public sealed class MalformedProtobufTests
{
    // Hand-built protobuf fragments. Key bytes: 0x0A = field 1 length-delimited, 0x12 = field 2
    // length-delimited, 0x08 = field 1 varint, 0x10 = field 2 varint.
    public static TheoryData<string, byte[], string> Cases => new()
    {
        { "streams as varint", [0x08, 0x01], "PushRequest.streams (field 1) at byte 0 has wire type 0" },
        { "truncated varint length", [0x0A, 0x80], "stream 0: length at byte 0 runs past the end" },
        { "length past end", [0x0A, 0x05, 0x01], "stream 0: length at byte 0 runs past the end" },
        { "huge declared length", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "runs past the end" },
        { "varint longer than 64 bits", [0x08 | 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], "field 3 (wire type 0) at byte 0 is truncated" },
        { "field number zero", [0x02, 0x00], "malformed field key at byte 0" },
        { "group wire type", [0x1B], "field 3 (wire type 3) at byte 0 is truncated or has an unsupported wire type" },
        { "truncated fixed64", [0x19, 0x01, 0x02], "field 3 (wire type 1)" },
        { "labels as varint", [0x0A, 0x02, 0x08, 0x01], "stream 0: field 1 (labels) at byte 2 has wire type 0" },
        { "entries as fixed32", [0x0A, 0x05, 0x15, 0x01, 0x02, 0x03, 0x04], "stream 0: field 2 (entries) at byte 2 has wire type 5" },
        { "entry past end of stream", [0x0A, 0x02, 0x12, 0x09], "stream 0 entry 0: length at byte 2 runs past the end of the stream" },
        { "line past end of entry", [0x0A, 0x04, 0x12, 0x02, 0x12, 0x05], "stream 0 entry 0: line length at byte 4 runs past the end of the entry" },
        { "line as varint", [0x0A, 0x04, 0x12, 0x02, 0x10, 0x01], "stream 0 entry 0: field 2 (line) at byte 4 has wire type 0" },
        { "timestamp seconds as bytes", [0x0A, 0x06, 0x12, 0x04, 0x0A, 0x02, 0x0A, 0x00], "stream 0 entry 0: timestamp: field 1 (seconds) at byte 6 is not a valid varint" },
        { "timestamp nanos out of range", [0x0A, 0x0A, 0x12, 0x08, 0x0A, 0x06, 0x10, 0x80, 0x94, 0xEB, 0xDC, 0x03], "timestamp: nanos 1000000000 is outside" },
        { "timestamp seconds overflow", [0x0A, 0x0E, 0x12, 0x0C, 0x0A, 0x0A, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], "outside the representable range" },
        { "metadata name as varint", [0x0A, 0x06, 0x12, 0x04, 0x1A, 0x02, 0x08, 0x01], "stream 0 entry 0: structured metadata 0: name at byte 6 is not a valid length-delimited string" },
        { "metadata past end", [0x0A, 0x04, 0x12, 0x02, 0x1A, 0x07], "structured metadata length at byte 4 runs past the end of the entry" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Malformed_protobuf_returns_false_with_a_located_message(string name, byte[] raw, string expected)
    {
        Assert.False(PushDecoder.TryDecodeProtobuf(Snappy(raw), PushDecoder.DefaultMaxDecompressedBytes, out var request, out var error), name);
        Assert.Null(request);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);

        // The uncompressed entry point reports the same problem.
        Assert.False(PushDecoder.TryDecodeProtobufUncompressed(raw, out _, out var again));
        Assert.Equal(error, again);
    }

    [Fact]
    public void Second_stream_error_names_its_index()
    {
        var good = PushEncoder.EncodeProtobufSnappy(Batch(1, 2, 2));
        var raw = Snappier.Snappy.DecompressToArray(good).Concat(new byte[] { 0x0A, 0x04, 0x12, 0x02, 0x12, 0x05 }).ToArray();

        Assert.False(PushDecoder.TryDecodeProtobufUncompressed(raw, out _, out var error));
        Assert.StartsWith("protobuf: stream 2 entry 0: line length", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_body_is_rejected()
    {
        Assert.False(PushDecoder.TryDecodeProtobuf([], 100, out _, out var error));
        Assert.Contains("empty", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x1F, 0x8B, 0x08, 0x00 })] // gzip magic: header says 0x1F uncompressed bytes, body is garbage
    [InlineData(new byte[] { 0x05, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x0A, 0x00, 0x0A })]
    public void Corrupt_snappy_is_rejected(byte[] body)
    {
        Assert.False(PushDecoder.TryDecodeProtobuf(body, 1 << 20, out var request, out var error));
        Assert.Null(request);
        Assert.StartsWith("snappy:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_snappy_length_header_is_rejected()
    {
        Assert.False(PushDecoder.TryDecodeProtobuf([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], 1 << 20, out _, out var error));
        Assert.Contains("uncompressed length header is malformed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Declared_size_over_the_limit_is_rejected_before_allocating()
    {
        // Header claims 4 GiB - 1 bytes; nothing follows.
        Assert.False(PushDecoder.TryDecodeProtobuf([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], PushDecoder.DefaultMaxDecompressedBytes, out _, out var error));
        Assert.Equal($"snappy: decompressed size 4294967295 bytes exceeds the limit of {PushDecoder.DefaultMaxDecompressedBytes} bytes", error);
    }

    [Fact]
    public void Negative_limit_means_nothing_but_an_empty_request_fits()
    {
        Assert.False(PushDecoder.TryDecodeProtobuf(Snappy([0x0A, 0x00]), -5, out _, out var error));
        Assert.Equal("snappy: decompressed size 2 bytes exceeds the limit of -5 bytes", error);
    }

    [Fact]
    public void Real_body_over_the_limit_is_rejected_and_under_the_limit_accepted()
    {
        var batch = Batch(7, 2, 50);
        var body = PushEncoder.EncodeProtobufSnappy(batch);
        var size = Snappier.Snappy.GetUncompressedLength(body);

        Assert.False(PushDecoder.TryDecodeProtobuf(body, size - 1, out _, out var error));
        Assert.Contains("exceeds the limit", error, StringComparison.Ordinal);

        Assert.True(PushDecoder.TryDecodeProtobuf(body, size, out var request, out error), error);
        request.Dispose();
    }
}
