using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Runestone.Core.Labels;
using Snappier;

namespace Runestone.Protocol.Push;

/// <summary>
/// Encodes push bodies in Loki's wire formats: protobuf <c>logproto.PushRequest</c> (optionally
/// snappy block-compressed) and the JSON push body. Used by the agent, the benchmark and tests.
/// </summary>
public static class PushEncoder
{
    private static readonly JsonWriterOptions s_jsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Protobuf, then snappy block compression: the body of <c>Content-Type: application/x-protobuf</c>.</summary>
    public static byte[] EncodeProtobufSnappy(IReadOnlyList<PushStreamData> streams)
    {
        var buffer = new ArrayBufferWriter<byte>(EstimateSize(streams));
        EncodeProtobuf(streams, buffer);
        return Snappy.CompressToArray(buffer.WrittenSpan);
    }

    /// <summary>
    /// Like <see cref="EncodeProtobufSnappy(IReadOnlyList{PushStreamData})"/> into buffers the caller
    /// keeps between requests (no large allocation per body): <paramref name="scratch"/> holds the
    /// protobuf, <paramref name="body"/> grows as needed; returns the body's length.
    /// </summary>
    public static int EncodeProtobufSnappy(IReadOnlyList<PushStreamData> streams, ArrayBufferWriter<byte> scratch, ref byte[] body)
    {
        scratch.ResetWrittenCount();
        EncodeProtobuf(streams, scratch);
        var max = Snappy.GetMaxCompressedLength(scratch.WrittenCount);
        if (body.Length < max)
        {
            body = new byte[max];
        }

        return Snappy.Compress(scratch.WrittenSpan, body);
    }

    /// <summary>Writes an uncompressed protobuf <c>logproto.PushRequest</c>.</summary>
    public static void EncodeProtobuf(IReadOnlyList<PushStreamData> streams, IBufferWriter<byte> output)
    {
        foreach (var stream in streams)
        {
            ProtoWriter.WriteTag(output, 1, ProtoReader.WireLength);
            ProtoWriter.WriteVarint(output, (ulong)StreamSize(stream));
            ProtoWriter.WriteString(output, 1, stream.Labels);
            foreach (var entry in stream.Entries)
            {
                ProtoWriter.WriteTag(output, 2, ProtoReader.WireLength);
                ProtoWriter.WriteVarint(output, (ulong)EntrySize(entry));
                WriteEntry(output, entry);
            }
        }
    }

    /// <summary>Loki's JSON push body; timestamps are written as strings of Unix nanoseconds.</summary>
    public static byte[] EncodeJson(IReadOnlyList<PushStreamData> streams)
    {
        var buffer = new ArrayBufferWriter<byte>(EstimateSize(streams) * 2);
        using (var json = new Utf8JsonWriter(buffer, s_jsonOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("streams");
            Span<byte> digits = stackalloc byte[24];
            foreach (var stream in streams)
            {
                if (!LabelText.TryParse(stream.Labels, out var labels, out var error))
                {
                    throw new ArgumentException($"stream labels cannot be encoded as JSON: {error}", nameof(streams));
                }

                json.WriteStartObject();
                json.WriteStartObject("stream");
                foreach (var pair in labels.Pairs)
                {
                    json.WriteString(pair.Name, pair.Value);
                }

                json.WriteEndObject();
                json.WriteStartArray("values");
                foreach (var entry in stream.Entries)
                {
                    json.WriteStartArray();
                    entry.TimestampNs.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
                    json.WriteStringValue(digits[..written]);
                    // Lines that are not valid UTF-8 cannot be JSON strings; they go out with U+FFFD.
                    json.WriteStringValue(Encoding.UTF8.GetString(entry.Line.Span));
                    if (entry.StructuredMetadata is { Length: > 0 } metadata)
                    {
                        json.WriteStartObject();
                        foreach (var pair in metadata)
                        {
                            json.WriteString(pair.Name, pair.Value);
                        }

                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static int EstimateSize(IReadOnlyList<PushStreamData> streams)
    {
        long size = 64;
        foreach (var stream in streams)
        {
            size += stream.Labels.Length * 2 + 16;
            foreach (var entry in stream.Entries)
            {
                size += entry.Line.Length + 24;
            }
        }

        return (int)Math.Min(size, 1 << 30);
    }

    private static int StreamSize(PushStreamData stream)
    {
        var size = ProtoWriter.LengthFieldSize(Encoding.UTF8.GetByteCount(stream.Labels));
        foreach (var entry in stream.Entries)
        {
            size += ProtoWriter.LengthFieldSize(EntrySize(entry));
        }

        return size;
    }

    private static (long Seconds, int Nanos) SplitTimestamp(long timestampNs)
    {
        var seconds = Math.DivRem(timestampNs, 1_000_000_000, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000;
        }

        return (seconds, (int)nanos);
    }

    private static int TimestampSize(long timestampNs)
    {
        var (seconds, nanos) = SplitTimestamp(timestampNs);
        var size = 0;
        if (seconds != 0)
        {
            size += 1 + ProtoWriter.VarintSize((ulong)seconds);
        }

        if (nanos != 0)
        {
            size += 1 + ProtoWriter.VarintSize((ulong)nanos);
        }

        return size;
    }

    private static int PairSize(LabelPair pair) =>
        (pair.Name.Length == 0 ? 0 : ProtoWriter.LengthFieldSize(Encoding.UTF8.GetByteCount(pair.Name))) +
        (pair.Value.Length == 0 ? 0 : ProtoWriter.LengthFieldSize(Encoding.UTF8.GetByteCount(pair.Value)));

    private static int EntrySize(in PushEntryData entry)
    {
        var size = ProtoWriter.LengthFieldSize(TimestampSize(entry.TimestampNs));
        if (!entry.Line.IsEmpty)
        {
            size += ProtoWriter.LengthFieldSize(entry.Line.Length);
        }

        if (entry.StructuredMetadata is { } metadata)
        {
            foreach (var pair in metadata)
            {
                size += ProtoWriter.LengthFieldSize(PairSize(pair));
            }
        }

        return size;
    }

    private static void WriteEntry(IBufferWriter<byte> output, in PushEntryData entry)
    {
        // The timestamp is always written (Loki's gogoproto field is non-nullable).
        ProtoWriter.WriteTag(output, 1, ProtoReader.WireLength);
        ProtoWriter.WriteVarint(output, (ulong)TimestampSize(entry.TimestampNs));
        var (seconds, nanos) = SplitTimestamp(entry.TimestampNs);
        if (seconds != 0)
        {
            ProtoWriter.WriteTag(output, 1, ProtoReader.WireVarint);
            ProtoWriter.WriteVarint(output, (ulong)seconds);
        }

        if (nanos != 0)
        {
            ProtoWriter.WriteTag(output, 2, ProtoReader.WireVarint);
            ProtoWriter.WriteVarint(output, (ulong)nanos);
        }

        if (!entry.Line.IsEmpty)
        {
            ProtoWriter.WriteBytes(output, 2, entry.Line.Span);
        }

        if (entry.StructuredMetadata is { } metadata)
        {
            foreach (var pair in metadata)
            {
                ProtoWriter.WriteTag(output, 3, ProtoReader.WireLength);
                ProtoWriter.WriteVarint(output, (ulong)PairSize(pair));
                if (pair.Name.Length > 0)
                {
                    ProtoWriter.WriteString(output, 1, pair.Name);
                }

                if (pair.Value.Length > 0)
                {
                    ProtoWriter.WriteString(output, 2, pair.Value);
                }
            }
        }
    }
}
