using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Runestone.Core.Binary;

namespace Runestone.Storage.Chunks;

/// <summary>
/// The chunk object: a header, compressed blocks, a metadata section (stream labels and one
/// entry per block) and a fixed footer. Layout in docs/storage.md.
/// </summary>
public static class ChunkFile
{
    public const uint Magic = 0x4B435352; // "RSCK" little-endian
    public const byte Version = 1;
    private const int HeaderSize = 8;
    private const int FooterSize = 16;

    public static byte[] Write(string labels, IReadOnlyList<SealedBlock> blocks)
    {
        var output = new ArrayBufferWriter<byte>(EstimateSize(blocks));
        BlockFormat.WriteUInt32(output, Magic);
        var header = output.GetSpan(4);
        header[0] = Version;
        header[1] = blocks.Count > 0 ? (byte)blocks[0].Encoding : (byte)0;
        header[2] = 0;
        header[3] = 0;
        output.Advance(4);
        var offsets = new long[blocks.Count];
        for (var i = 0; i < blocks.Count; i++)
        {
            offsets[i] = output.WrittenCount;
            output.Write(blocks[i].Compressed.Span);
        }

        var metaOffset = output.WrittenCount;
        var labelBytes = Encoding.UTF8.GetBytes(labels);
        WriteVarint(output, (ulong)labelBytes.Length);
        output.Write(labelBytes);
        WriteVarint(output, (ulong)blocks.Count);
        for (var i = 0; i < blocks.Count; i++)
        {
            var b = blocks[i];
            WriteVarint(output, (ulong)b.Encoding);
            WriteVarint(output, (ulong)offsets[i]);
            WriteVarint(output, (ulong)b.Compressed.Length);
            WriteVarint(output, (ulong)b.RawLength);
            WriteVarint(output, (ulong)b.Count);
            WriteVarint(output, Varint.ZigZag(b.MinTs));
            WriteVarint(output, Varint.ZigZag(b.MaxTs));
            BlockFormat.WriteUInt32(output, b.Crc);
        }

        var metaCrc = Checksum.Compute(output.WrittenSpan[(int)metaOffset..]);
        BlockFormat.WriteUInt64(output, (ulong)metaOffset);
        BlockFormat.WriteUInt32(output, metaCrc);
        BlockFormat.WriteUInt32(output, Magic);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads a chunk object; the blocks it returns are slices of <paramref name="data"/>.</summary>
    public static ChunkContents Read(byte[] data)
    {
        try
        {
            return ReadUnchecked(data);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new InvalidDataException("chunk metadata is corrupt: a length runs past the chunk", ex);
        }
    }

    private static ChunkContents ReadUnchecked(byte[] data)
    {
        var span = data.AsSpan();
        if (span.Length < HeaderSize + FooterSize || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic)
        {
            throw new InvalidDataException("not a Runestone chunk (bad magic)");
        }

        if (span[4] != Version)
        {
            throw new InvalidDataException($"chunk format version {span[4]} is not supported by this build (supports {Version}); upgrade Runestone");
        }

        var footer = span[^FooterSize..];
        if (BinaryPrimitives.ReadUInt32LittleEndian(footer[12..]) != Magic)
        {
            throw new InvalidDataException("chunk footer is corrupt (bad magic)");
        }

        var metaOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(footer);
        var metaEnd = span.Length - FooterSize;
        if (metaOffset < HeaderSize || metaOffset > metaEnd)
        {
            throw new InvalidDataException("chunk footer points outside the chunk");
        }

        var meta = span[(int)metaOffset..metaEnd];
        if (Checksum.Compute(meta) != BinaryPrimitives.ReadUInt32LittleEndian(footer[8..]))
        {
            throw new InvalidDataException("chunk metadata checksum mismatch");
        }

        var pos = 0;
        var labelLength = (int)Read(meta, ref pos);
        var labels = Encoding.UTF8.GetString(meta.Slice(pos, labelLength));
        pos += labelLength;
        var count = (int)Read(meta, ref pos);
        var blocks = new List<SealedBlock>(count);
        for (var i = 0; i < count; i++)
        {
            var encoding = (ChunkEncoding)Read(meta, ref pos);
            var offset = (int)Read(meta, ref pos);
            var length = (int)Read(meta, ref pos);
            var rawLength = (int)Read(meta, ref pos);
            var entries = (int)Read(meta, ref pos);
            var minTs = Varint.UnZigZag(Read(meta, ref pos));
            var maxTs = Varint.UnZigZag(Read(meta, ref pos));
            if (pos + 4 > meta.Length || offset < HeaderSize || offset + (long)length > metaOffset)
            {
                throw new InvalidDataException("chunk block index is corrupt");
            }

            var crc = BinaryPrimitives.ReadUInt32LittleEndian(meta[pos..]);
            pos += 4;
            blocks.Add(new SealedBlock(encoding, data.AsMemory(offset, length), rawLength, entries, minTs, maxTs, crc));
        }

        return new ChunkContents(labels, blocks);
    }

    private static int EstimateSize(IReadOnlyList<SealedBlock> blocks)
    {
        var size = 256;
        foreach (var b in blocks)
        {
            size += b.Compressed.Length + 48;
        }

        return size;
    }

    private static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        output.Advance(Varint.Write(output.GetSpan(Varint.MaxLength), value));
    }

    private static ulong Read(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong value = 0;
        var n = pos < span.Length ? Varint.TryRead(span[pos..], out value) : 0;
        if (n == 0)
        {
            throw new InvalidDataException("chunk metadata is truncated");
        }

        pos += n;
        return value;
    }
}
