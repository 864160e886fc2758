using System.Buffers;
using Google.Protobuf.WellKnownTypes;
using Runestone.Core.Labels;
using Runestone.Protocol.Push;
using Gen = Runestone.Protocol.Push.Generated;
using static Runestone.Protocol.Tests.Push.PushTestData;
using Xunit;

namespace Runestone.Protocol.Tests.Push;

public sealed class ProtobufRoundTripTests
{
    [Fact]
    public void Encoding_into_reused_buffers_gives_the_same_bodies()
    {
        var scratch = new ArrayBufferWriter<byte>();
        var body = Array.Empty<byte>();
        // A large batch, then a smaller one into the same (now oversized) buffers.
        foreach (var batch in new[] { Batch(seed: 3, streams: 9, entriesPerStream: 300), Batch(seed: 4, streams: 2, entriesPerStream: 5) })
        {
            var length = PushEncoder.EncodeProtobufSnappy(batch, scratch, ref body);
            Assert.Equal(PushEncoder.EncodeProtobufSnappy(batch), body.AsSpan(0, length).ToArray());
            Assert.True(PushDecoder.TryDecodeProtobuf(body.AsSpan(0, length).ToArray(), PushDecoder.DefaultMaxDecompressedBytes, out var request, out var error), error);
            using (request)
            {
                AssertSame(batch, request);
            }
        }
    }

    [Fact]
    public void Encoder_output_decodes_to_the_same_streams()
    {
        var batch = Batch(seed: 1, streams: 7, entriesPerStream: 40);
        var body = PushEncoder.EncodeProtobufSnappy(batch);

        Assert.True(PushDecoder.TryDecodeProtobuf(body, PushDecoder.DefaultMaxDecompressedBytes, out var request, out var error), error);
        using (request)
        {
            AssertSame(batch, request);
        }
    }

    [Fact]
    public void Generated_types_encoding_decodes_with_the_span_reader()
    {
        var batch = Batch(seed: 2, streams: 3, entriesPerStream: 25);
        var body = Snappy(ToGenerated(batch).ToBytes());

        Assert.True(PushDecoder.TryDecodeProtobuf(body, PushDecoder.DefaultMaxDecompressedBytes, out var request, out var error), error);
        using (request)
        {
            AssertSame(batch, request);
        }
    }

    [Fact]
    public void Encoder_output_parses_with_the_generated_parser()
    {
        var batch = Batch(seed: 3, streams: 4, entriesPerStream: 10);
        var writer = new ArrayBufferWriter<byte>();
        PushEncoder.EncodeProtobuf(batch, writer);

        var parsed = Gen.PushRequest.Parser.ParseFrom(writer.WrittenSpan);

        var expected = ToGenerated(batch);
        foreach (var stream in expected.Streams)
        {
            stream.Hash = 0; // our encoder does not send the hash
        }

        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(-1L)]
    [InlineData(-1_500_000_000L)]
    [InlineData(999_999_999L)]
    [InlineData(1_764_000_000_123_456_789L)]
    public void Timestamps_round_trip_including_negative_and_zero(long timestampNs)
    {
        List<PushStreamData> batch = [new("{a=\"b\"}", [new PushEntryData(timestampNs, Utf8("x"))])];
        var body = PushEncoder.EncodeProtobufSnappy(batch);

        Assert.True(PushDecoder.TryDecodeProtobuf(body, PushDecoder.DefaultMaxDecompressedBytes, out var request, out var error), error);
        using (request)
        {
            Assert.Equal(timestampNs, request.Streams[0].Entries[0].TimestampNs);
        }

        var generated = Gen.PushRequest.Parser.ParseFrom(Snappier.Snappy.DecompressToArray(body));
        var ts = generated.Streams[0].Entries[0].Timestamp ?? new Timestamp();
        Assert.Equal(timestampNs, ts.Seconds * 1_000_000_000 + ts.Nanos);
    }

    [Fact]
    public void Invalid_utf8_lines_are_kept_as_bytes()
    {
        byte[] line = [0x66, 0xFF, 0xFE, 0xC3, 0x28, 0x00, 0x0A];
        List<PushStreamData> batch = [new("{a=\"b\"}", [new PushEntryData(5, line)])];

        Assert.True(PushDecoder.TryDecodeProtobuf(PushEncoder.EncodeProtobufSnappy(batch), 1 << 20, out var request, out var error), error);
        using (request)
        {
            Assert.Equal(line, request.Streams[0].Entries[0].Line.ToArray());
        }
    }

    [Fact]
    public void Unknown_fields_hash_format_and_parsed_are_skipped()
    {
        var message = new Gen.PushRequest { Format = "otlp" };
        var entry = new Gen.EntryAdapter { Timestamp = new Timestamp { Seconds = 2, Nanos = 3 }, Line = "hello" };
        entry.Parsed.Add(new Gen.LabelPairAdapter { Name = "p", Value = "q" });
        entry.StructuredMetadata.Add(new Gen.LabelPairAdapter { Name = "m", Value = "" });
        message.Streams.Add(new Gen.StreamAdapter { Labels = "{x=\"y\"}", Hash = ulong.MaxValue, Entries = { entry } });
        // Append an unknown fixed64 and fixed32 field at the top level.
        byte[] unknown = [(9 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8, (10 << 3) | 5, 1, 2, 3, 4];
        var raw = message.ToBytes().Concat(unknown).ToArray();

        Assert.True(PushDecoder.TryDecodeProtobufUncompressed(raw, out var request, out var error), error);
        using (request)
        {
            var decoded = Assert.Single(Assert.Single(request.Streams).Entries);
            Assert.Equal(2_000_000_003L, decoded.TimestampNs);
            Assert.Equal("hello", Text(decoded.Line));
            Assert.Equal([new LabelPair("m", "")], decoded.StructuredMetadata!);
        }
    }

    [Fact]
    public void Empty_request_and_stream_without_entries_decode()
    {
        Assert.True(PushDecoder.TryDecodeProtobuf(Snappy([]), 100, out var empty, out var error), error);
        using (empty)
        {
            Assert.Empty(empty.Streams);
            Assert.Equal(0, empty.TotalEntries);
        }

        var body = Snappy(new Gen.PushRequest { Streams = { new Gen.StreamAdapter { Labels = "{a=\"1\"}" } } }.ToBytes());
        Assert.True(PushDecoder.TryDecodeProtobuf(body, 100, out var request, out error), error);
        using (request)
        {
            Assert.Equal("{a=\"1\"}", request.Streams[0].Labels);
            Assert.Empty(request.Streams[0].Entries);
        }
    }

    [Fact]
    public void Decoding_allocates_nothing_per_line_in_steady_state()
    {
        var batch = Batch(seed: 4, streams: 10, entriesPerStream: 2_000);
        foreach (var stream in batch)
        {
            for (var i = 0; i < stream.Entries.Count; i++)
            {
                // Metadata allocates strings by design; measure plain lines.
                ((List<PushEntryData>)stream.Entries)[i] = stream.Entries[i] with { StructuredMetadata = null };
            }
        }

        var body = PushEncoder.EncodeProtobufSnappy(batch);
        for (var warm = 0; warm < 3; warm++)
        {
            Assert.True(PushDecoder.TryDecodeProtobuf(body, PushDecoder.DefaultMaxDecompressedBytes, out var r, out _));
            r.Dispose();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(PushDecoder.TryDecodeProtobuf(body, PushDecoder.DefaultMaxDecompressedBytes, out var request, out _));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        request.Dispose();

        // 20,000 lines: even one 24-byte object per line would be 480 KB. Per stream we allocate a
        // label string, a stream object and an entry view; allow a generous 16 KB for those.
        Assert.True(allocated < 16 * 1024, $"decode of 20,000 lines allocated {allocated} bytes");
    }

    [Fact]
    public void Dispose_is_idempotent()
    {
        var body = PushEncoder.EncodeProtobufSnappy(Batch(5, 1, 3));
        Assert.True(PushDecoder.TryDecodeProtobuf(body, 1 << 20, out var request, out _));
        request.Dispose();
        request.Dispose();
    }
}
