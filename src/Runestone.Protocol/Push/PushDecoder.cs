using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using Runestone.Core.Labels;
using Snappier;

namespace Runestone.Protocol.Push;

/// <summary>
/// Decodes Loki push bodies (snappy-compressed protobuf and JSON) into a <see cref="PushRequest"/>.
/// Never throws on malformed input: every failure returns false with a one-line reason that says
/// what is wrong and where (stream and entry indexes are zero-based, in wire order).
/// </summary>
public static class PushDecoder
{
    /// <summary>Default ceiling on the decompressed size of one protobuf body (100 MiB).</summary>
    public const int DefaultMaxDecompressedBytes = 100 << 20;

    /// <summary>Decodes a snappy <em>block</em>-compressed (not framed) <c>logproto.PushRequest</c>.</summary>
    public static bool TryDecodeProtobuf(ReadOnlySpan<byte> snappyBody, int maxDecompressedBytes,
        [NotNullWhen(true)] out PushRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (snappyBody.IsEmpty)
        {
            error = "push body is empty: expected a snappy-compressed protobuf PushRequest";
            return false;
        }

        if (!TryReadSnappyLength(snappyBody, out var length))
        {
            error = "snappy: the uncompressed length header is malformed (is the body snappy block format, not framed or gzip?)";
            return false;
        }

        if (length > (ulong)Math.Max(0, maxDecompressedBytes))
        {
            error = $"snappy: decompressed size {length} bytes exceeds the limit of {maxDecompressedBytes} bytes";
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, (int)length));
        int written;
        try
        {
            if (!Snappy.TryDecompress(snappyBody, buffer, out written) || written != (int)length)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                error = "snappy: the body is corrupt or truncated";
                return false;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            error = "snappy: the body is corrupt or truncated (" + OneLine(ex.Message) + ")";
            return false;
        }

        return TryDecodeOwned(buffer, written, out request, out error);
    }

    /// <summary>Decodes an uncompressed protobuf <c>logproto.PushRequest</c> (the bytes are copied into a pooled buffer).</summary>
    public static bool TryDecodeProtobufUncompressed(ReadOnlySpan<byte> protobuf,
        [NotNullWhen(true)] out PushRequest? request, [NotNullWhen(false)] out string? error)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, protobuf.Length));
        protobuf.CopyTo(buffer);
        return TryDecodeOwned(buffer, protobuf.Length, out request, out error);
    }

    /// <summary>
    /// Decodes Loki's JSON push body: <c>{"streams":[{"stream":{"k":"v"},"values":[["ns","line",{"meta":"v"}]]}]}</c>.
    /// Timestamps may be strings or numbers of Unix nanoseconds; the third element is optional.
    /// </summary>
    public static bool TryDecodeJson(ReadOnlySpan<byte> json,
        [NotNullWhen(true)] out PushRequest? request, [NotNullWhen(false)] out string? error) =>
        JsonPushParser.TryParse(json, out request, out error);

    /// <summary>Decodes <paramref name="buffer"/>[0..length); takes ownership of the pooled buffer.</summary>
    private static bool TryDecodeOwned(byte[] buffer, int length, out PushRequest? request, out string? error)
    {
        var entries = default(EntryBuffer);
        var streams = new List<PushStream>();
        long totalBytes = 0;
        var reader = new ProtoReader(buffer, 0, length);
        while (!reader.AtEnd)
        {
            var tagAt = reader.Position;
            if (!reader.TryReadTag(out var field, out var wire))
            {
                error = $"protobuf: malformed field key at byte {tagAt}";
                return Fail(buffer, ref entries, out request);
            }

            if (field == 1)
            {
                if (wire != ProtoReader.WireLength)
                {
                    error = $"protobuf: PushRequest.streams (field 1) at byte {tagAt} has wire type {wire}, expected 2 (length-delimited)";
                    return Fail(buffer, ref entries, out request);
                }

                if (!reader.TryReadLength(out var start, out var end))
                {
                    error = $"protobuf: stream {streams.Count}: length at byte {tagAt} runs past the end of the body";
                    return Fail(buffer, ref entries, out request);
                }

                if (!TryDecodeStream(buffer, start, end, streams.Count, ref entries, ref totalBytes, out var stream, out error))
                {
                    return Fail(buffer, ref entries, out request);
                }

                streams.Add(stream);
            }
            else if (!reader.TrySkip(wire))
            {
                error = $"protobuf: field {field} (wire type {wire}) at byte {tagAt} is truncated or has an unsupported wire type";
                return Fail(buffer, ref entries, out request);
            }
        }

        var count = entries.Count;
        request = new PushRequest(buffer, entries.Detach(), streams, totalBytes, count);
        error = null;
        return true;
    }

    private static bool TryDecodeStream(byte[] buffer, int start, int end, int streamIndex, ref EntryBuffer entries,
        ref long totalBytes, [NotNullWhen(true)] out PushStream? stream, [NotNullWhen(false)] out string? error)
    {
        stream = null;
        var labels = string.Empty;
        var first = entries.Count;
        var reader = new ProtoReader(buffer, start, end);
        while (!reader.AtEnd)
        {
            var tagAt = reader.Position;
            if (!reader.TryReadTag(out var field, out var wire))
            {
                error = $"protobuf: stream {streamIndex}: malformed field key at byte {tagAt}";
                return false;
            }

            switch (field)
            {
                case 1 when wire == ProtoReader.WireLength:
                    if (!reader.TryReadLength(out var ls, out var le))
                    {
                        error = $"protobuf: stream {streamIndex}: labels length at byte {tagAt} runs past the end of the stream";
                        return false;
                    }

                    labels = Encoding.UTF8.GetString(buffer, ls, le - ls);
                    break;
                case 2 when wire == ProtoReader.WireLength:
                    var entryIndex = entries.Count - first;
                    if (!reader.TryReadLength(out var es, out var ee))
                    {
                        error = $"protobuf: stream {streamIndex} entry {entryIndex}: length at byte {tagAt} runs past the end of the stream";
                        return false;
                    }

                    if (!TryDecodeEntry(buffer, es, ee, out var entry, out var why))
                    {
                        error = $"protobuf: stream {streamIndex} entry {entryIndex}: {why}";
                        return false;
                    }

                    totalBytes += entry.Line.Length;
                    entries.Add(entry);
                    break;
                case 1 or 2:
                    error = $"protobuf: stream {streamIndex}: field {field} ({(field == 1 ? "labels" : "entries")}) at byte {tagAt} has wire type {wire}, expected 2 (length-delimited)";
                    return false;
                default:
                    // hash (3) and unknown fields are skipped.
                    if (!reader.TrySkip(wire))
                    {
                        error = $"protobuf: stream {streamIndex}: field {field} (wire type {wire}) at byte {tagAt} is truncated or has an unsupported wire type";
                        return false;
                    }

                    break;
            }
        }

        stream = new PushStream(labels, first, entries.Count - first);
        error = null;
        return true;
    }

    private static bool TryDecodeEntry(byte[] buffer, int start, int end, out PushEntry entry, [NotNullWhen(false)] out string? error)
    {
        entry = default;
        long timestamp = 0;
        var lineStart = 0;
        var lineLength = 0;
        var metadataCount = 0;
        var reader = new ProtoReader(buffer, start, end);
        while (!reader.AtEnd)
        {
            var tagAt = reader.Position;
            if (!reader.TryReadTag(out var field, out var wire))
            {
                error = $"malformed field key at byte {tagAt}";
                return false;
            }

            if (field is >= 1 and <= 3 && wire != ProtoReader.WireLength)
            {
                error = $"field {field} ({FieldName(field)}) at byte {tagAt} has wire type {wire}, expected 2 (length-delimited)";
                return false;
            }

            switch (field)
            {
                case 1:
                    if (!reader.TryReadLength(out var ts, out var te))
                    {
                        error = $"timestamp length at byte {tagAt} runs past the end of the entry";
                        return false;
                    }

                    if (!TryDecodeTimestamp(buffer, ts, te, out timestamp, out error))
                    {
                        return false;
                    }

                    break;
                case 2:
                    if (!reader.TryReadLength(out var ls, out var le))
                    {
                        error = $"line length at byte {tagAt} runs past the end of the entry";
                        return false;
                    }

                    lineStart = ls;
                    lineLength = le - ls;
                    break;
                case 3:
                    if (!reader.TryReadLength(out _, out _))
                    {
                        error = $"structured metadata length at byte {tagAt} runs past the end of the entry";
                        return false;
                    }

                    metadataCount++;
                    break;
                default:
                    // parsed (4) is query-side only; unknown fields are skipped.
                    if (!reader.TrySkip(wire))
                    {
                        error = $"field {field} (wire type {wire}) at byte {tagAt} is truncated or has an unsupported wire type";
                        return false;
                    }

                    break;
            }
        }

        LabelPair[]? metadata = null;
        if (metadataCount > 0 && !TryDecodeMetadata(buffer, start, end, metadataCount, out metadata, out error))
        {
            return false;
        }

        entry = new PushEntry(timestamp, new ReadOnlyMemory<byte>(buffer, lineStart, lineLength), metadata);
        error = null;
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryDecodeMetadata(byte[] buffer, int start, int end, int count,
        [NotNullWhen(true)] out LabelPair[]? metadata, [NotNullWhen(false)] out string? error)
    {
        // Second pass over an entry that was already validated at the top level.
        metadata = new LabelPair[count];
        var n = 0;
        var reader = new ProtoReader(buffer, start, end);
        while (!reader.AtEnd)
        {
            reader.TryReadTag(out var field, out var wire);
            if (field != 3)
            {
                reader.TrySkip(wire);
                continue;
            }

            reader.TryReadLength(out var ps, out var pe);
            var name = string.Empty;
            var value = string.Empty;
            var pair = new ProtoReader(buffer, ps, pe);
            while (!pair.AtEnd)
            {
                var tagAt = pair.Position;
                if (!pair.TryReadTag(out var pf, out var pw))
                {
                    error = $"structured metadata {n}: malformed field key at byte {tagAt}";
                    return false;
                }

                if (pf is 1 or 2)
                {
                    if (pw != ProtoReader.WireLength || !pair.TryReadLength(out var ss, out var se))
                    {
                        error = $"structured metadata {n}: {(pf == 1 ? "name" : "value")} at byte {tagAt} is not a valid length-delimited string";
                        return false;
                    }

                    var text = Encoding.UTF8.GetString(buffer, ss, se - ss);
                    if (pf == 1)
                    {
                        name = text;
                    }
                    else
                    {
                        value = text;
                    }
                }
                else if (!pair.TrySkip(pw))
                {
                    error = $"structured metadata {n}: field {pf} at byte {tagAt} is truncated or has an unsupported wire type";
                    return false;
                }
            }

            metadata[n++] = new LabelPair(name, value);
        }

        error = null;
        return true;
    }

    private static bool TryDecodeTimestamp(byte[] buffer, int start, int end, out long timestampNs, [NotNullWhen(false)] out string? error)
    {
        timestampNs = 0;
        long seconds = 0;
        long nanos = 0;
        var reader = new ProtoReader(buffer, start, end);
        while (!reader.AtEnd)
        {
            var tagAt = reader.Position;
            if (!reader.TryReadTag(out var field, out var wire))
            {
                error = $"timestamp: malformed field key at byte {tagAt}";
                return false;
            }

            if (field is 1 or 2)
            {
                if (wire != ProtoReader.WireVarint || !reader.TryReadVarint(out var v))
                {
                    error = $"timestamp: field {field} ({(field == 1 ? "seconds" : "nanos")}) at byte {tagAt} is not a valid varint";
                    return false;
                }

                if (field == 1)
                {
                    seconds = (long)v;
                }
                else
                {
                    nanos = (int)(long)v;
                }
            }
            else if (!reader.TrySkip(wire))
            {
                error = $"timestamp: field {field} at byte {tagAt} is truncated or has an unsupported wire type";
                return false;
            }
        }

        // Representable range of Unix nanoseconds in a long: roughly years 1678 to 2262.
        const long MaxSeconds = long.MaxValue / 1_000_000_000 - 1;
        if (seconds is > MaxSeconds or < -MaxSeconds)
        {
            error = $"timestamp: {seconds} seconds is outside the representable range of Unix nanoseconds";
            return false;
        }

        if (nanos is < 0 or >= 1_000_000_000)
        {
            error = $"timestamp: nanos {nanos} is outside [0, 999999999]";
            return false;
        }

        timestampNs = seconds * 1_000_000_000 + nanos;
        error = null;
        return true;
    }

    private static string FieldName(int field) => field switch
    {
        1 => "timestamp",
        2 => "line",
        _ => "structuredMetadata",
    };

    private static bool TryReadSnappyLength(ReadOnlySpan<byte> body, out ulong length)
    {
        length = 0;
        for (var i = 0; i < 5 && i < body.Length; i++)
        {
            length |= (ulong)(body[i] & 0x7F) << (7 * i);
            if (body[i] < 0x80)
            {
                return length <= uint.MaxValue;
            }
        }

        return false;
    }

    private static bool Fail(byte[] buffer, ref EntryBuffer entries, out PushRequest? request)
    {
        ArrayPool<byte>.Shared.Return(buffer);
        entries.Release();
        request = null;
        return false;
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
