using System.Buffers;
using Runestone.Core.Binary;
using Runestone.Core.Logs;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>
/// The <see cref="ChunkEncoding.ZstdTemplates"/> block: a form byte, then either the encoder's
/// three sections, each its own zstd frame (so each gets entropy tables of its own), behind their
/// raw and compressed lengths: <c>1 | header raw | templates raw | columns raw | header zstd |
/// templates zstd | frames…</c>, or, for bytes that are not a raw block layout, <c>0 | zstd frame</c>.
/// </summary>
internal static class TemplateBlockCodec
{
    [ThreadStatic]
    private static TemplateBlockEncoder? t_encoder;

    [ThreadStatic]
    private static TemplateBlockDecoder? t_decoder;

    private const byte PlainForm = 0;
    private const byte TemplateForm = 1;

    public static byte[] Compress(ReadOnlySpan<byte> raw)
    {
        var encoder = t_encoder ??= new TemplateBlockEncoder();
        if (!encoder.TryEncode(raw))
        {
            return CompressPlain(raw);
        }

        return Assemble(encoder.Header, encoder.Templates, encoder.Columns);
    }

    /// <summary>Compresses the three sections into one block (the template form).</summary>
    internal static byte[] Assemble(ReadOnlySpan<byte> header, ReadOnlySpan<byte> templates, ReadOnlySpan<byte> columns)
    {
        var bound = 1 + 5 * Varint.MaxLength + ZstdNet.Compressor.GetCompressBound(header.Length)
            + ZstdNet.Compressor.GetCompressBound(templates.Length) + ZstdNet.Compressor.GetCompressBound(columns.Length);
        var rented = ArrayPool<byte>.Shared.Rent(bound * 2);
        try
        {
            // Frames go to the second half first, since their lengths lead the block.
            var frames = rented.AsSpan(bound);
            var headerZ = BlockCodec.ZstdWrap(header, frames);
            var templatesZ = BlockCodec.ZstdWrap(templates, frames[headerZ..]);
            var columnsZ = BlockCodec.ZstdWrap(columns, frames[(headerZ + templatesZ)..]);
            var output = rented.AsSpan(0, bound);
            output[0] = TemplateForm;
            var o = 1 + Varint.Write(output[1..], (ulong)header.Length);
            o += Varint.Write(output[o..], (ulong)templates.Length);
            o += Varint.Write(output[o..], (ulong)columns.Length);
            o += Varint.Write(output[o..], (ulong)headerZ);
            o += Varint.Write(output[o..], (ulong)templatesZ);
            frames[..(headerZ + templatesZ + columnsZ)].CopyTo(output[o..]);
            return BlockCodec.LongLived(output[..(o + headerZ + templatesZ + columnsZ)]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static byte[] CompressPlain(ReadOnlySpan<byte> raw)
    {
        var rented = ArrayPool<byte>.Shared.Rent(1 + ZstdNet.Compressor.GetCompressBound(raw.Length));
        try
        {
            rented[0] = PlainForm;
            var written = BlockCodec.ZstdWrap(raw, rented.AsSpan(1));
            return BlockCodec.LongLived(rented.AsSpan(0, 1 + written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static void Decompress(ReadOnlySpan<byte> compressed, Span<byte> destination)
    {
        if (compressed.IsEmpty || compressed[0] > TemplateForm)
        {
            throw new InvalidDataException("template block form is unknown");
        }

        if (compressed[0] == PlainForm)
        {
            Unwrap(compressed[1..], destination);
            return;
        }

        var pos = 1;
        // No section is much larger than the raw block it came from.
        var limit = destination.Length * 2 + 1024;
        var headerLength = SectionVarint.ReadInt(compressed, ref pos, limit);
        var templatesLength = SectionVarint.ReadInt(compressed, ref pos, limit);
        var columnsLength = SectionVarint.ReadInt(compressed, ref pos, limit);
        var headerZ = SectionVarint.ReadInt(compressed, ref pos, compressed.Length);
        var templatesZ = SectionVarint.ReadInt(compressed, ref pos, compressed.Length - headerZ);
        var rented = ArrayPool<byte>.Shared.Rent(headerLength + templatesLength + columnsLength);
        try
        {
            var buffer = rented.AsSpan();
            Unwrap(compressed.Slice(pos, headerZ), buffer[..headerLength]);
            pos += headerZ;
            Unwrap(compressed.Slice(pos, templatesZ), buffer.Slice(headerLength, templatesLength));
            pos += templatesZ;
            Unwrap(compressed[pos..], buffer.Slice(headerLength + templatesLength, columnsLength));
            (t_decoder ??= new TemplateBlockDecoder()).Decode(
                buffer[..headerLength],
                buffer[headerLength..],
                templatesLength,
                buffer.Slice(headerLength + templatesLength, columnsLength),
                destination);
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException or OverflowException)
        {
            // A length or index in the sections points outside them: the block is damaged.
            throw new InvalidDataException($"template block is corrupt ({ex.Message})", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Decompresses only the templates section and asks <paramref name="filter"/> whether any
    /// line built from them can match (<see cref="ILineFilter.MayMatchAnyStatic"/>).
    /// </summary>
    public static bool MayMatchAny(ReadOnlySpan<byte> compressed, int rawLength, ILineFilter filter)
    {
        if (compressed.IsEmpty || compressed[0] != TemplateForm)
        {
            return true;
        }

        var pos = 1;
        var limit = rawLength * 2 + 1024;
        SectionVarint.ReadInt(compressed, ref pos, limit);
        var templatesLength = SectionVarint.ReadInt(compressed, ref pos, limit);
        SectionVarint.ReadInt(compressed, ref pos, limit);
        var headerZ = SectionVarint.ReadInt(compressed, ref pos, compressed.Length);
        var templatesZ = SectionVarint.ReadInt(compressed, ref pos, compressed.Length - headerZ);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, templatesLength));
        try
        {
            var templates = rented.AsSpan(0, templatesLength);
            Unwrap(compressed.Slice(pos + headerZ, templatesZ), templates);
            return filter.MayMatchAnyStatic(templates, TemplateSyntax.VariableBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Decompresses only the header section and returns the block's timestamps in block order,
    /// or null for a block in the plain form (the caller decodes it whole).
    /// </summary>
    public static long[]? ReadTimestamps(ReadOnlySpan<byte> compressed, int rawLength)
    {
        if (compressed.IsEmpty || compressed[0] != TemplateForm)
        {
            return null;
        }

        var pos = 1;
        var limit = rawLength * 2 + 1024;
        var headerLength = SectionVarint.ReadInt(compressed, ref pos, limit);
        SectionVarint.ReadInt(compressed, ref pos, limit);
        SectionVarint.ReadInt(compressed, ref pos, limit);
        var headerZ = SectionVarint.ReadInt(compressed, ref pos, compressed.Length);
        SectionVarint.ReadInt(compressed, ref pos, compressed.Length - headerZ);
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, headerLength));
        try
        {
            var header = rented.AsSpan(0, headerLength);
            Unwrap(compressed.Slice(pos, headerZ), header);
            var h = 0;
            var count = SectionVarint.ReadInt(header, ref h, rawLength);
            SectionVarint.ReadInt(header, ref h, header.Length);
            var timestamps = new long[count];
            var ts = 0L;
            for (var i = 0; i < count; i++)
            {
                var n = Varint.TryReadSigned(header[h..], out var delta);
                if (n == 0)
                {
                    throw new InvalidDataException("template block timestamp column is corrupt");
                }

                h += n;
                ts += delta;
                timestamps[i] = ts;
            }

            return timestamps;
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"template block is corrupt ({ex.Message})", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void Unwrap(ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        var written = BlockCodec.ZstdUnwrap(frame, destination);
        if (written != destination.Length)
        {
            throw new InvalidDataException($"template block section decompressed to {written} bytes, expected {destination.Length}");
        }
    }
}
