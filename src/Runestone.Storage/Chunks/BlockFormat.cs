using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Runestone.Core.Binary;
using Runestone.Core.Labels;

namespace Runestone.Storage.Chunks;

/// <summary>
/// The raw (uncompressed) layout of one block, columnar so a scan can reach lines without
/// decoding metadata: <c>count | ts[0] zigzag, deltas… | line lengths… | metadata… | lines…</c>.
/// Entries are sorted by timestamp. See docs/storage.md.
/// </summary>
public static class BlockFormat
{
    /// <summary>Serializes entries (already sorted by timestamp) into <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<long> timestamps, ReadOnlySpan<ReadOnlyMemory<byte>> lines, ReadOnlySpan<LabelPair[]?> metadata)
    {
        var count = timestamps.Length;
        WriteVarint(output, (ulong)count);
        var previous = 0L;
        for (var i = 0; i < count; i++)
        {
            var span = output.GetSpan(Varint.MaxLength);
            output.Advance(Varint.WriteSigned(span, timestamps[i] - previous));
            previous = timestamps[i];
        }

        for (var i = 0; i < count; i++)
        {
            WriteVarint(output, (ulong)lines[i].Length);
        }

        for (var i = 0; i < count; i++)
        {
            var pairs = metadata[i];
            WriteVarint(output, (ulong)(pairs?.Length ?? 0));
            if (pairs is null)
            {
                continue;
            }

            foreach (var pair in pairs)
            {
                WriteString(output, pair.Name);
                WriteString(output, pair.Value);
            }
        }

        for (var i = 0; i < count; i++)
        {
            output.Write(lines[i].Span);
        }
    }

    private static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(Varint.MaxLength);
        output.Advance(Varint.Write(span, value));
    }

    private static void WriteString(IBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint(output, (ulong)length);
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        output.Advance(length);
    }

    internal static void WriteUInt32(IBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    internal static void WriteUInt64(IBufferWriter<byte> output, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }
}
