using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Runestone.Core.Binary;
using Runestone.Core.Labels;

namespace Runestone.Storage.Wal;

/// <summary>
/// Payloads of WAL records. <c>Series</c>: tenant, fingerprint, label text (written once per
/// stream per segment). <c>Entries</c>: tenant, then per stream its fingerprint and entries
/// (timestamp, line, structured metadata).
/// </summary>
public static class WalRecords
{
    public const byte SeriesType = 1;
    public const byte EntriesType = 2;

    public static void WriteSeries(ArrayBufferWriter<byte> output, string tenant, ulong fingerprint, string labels)
    {
        WriteString(output, tenant);
        WriteUInt64(output, fingerprint);
        WriteString(output, labels);
    }

    public static (string Tenant, ulong Fingerprint, string Labels) ReadSeries(ReadOnlySpan<byte> payload)
    {
        var pos = 0;
        var tenant = ReadString(payload, ref pos);
        var fp = BinaryPrimitives.ReadUInt64LittleEndian(payload[pos..]);
        pos += 8;
        var labels = ReadString(payload, ref pos);
        return (tenant, fp, labels);
    }

    public static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint(output, (ulong)length);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }

    public static void WriteBytes(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        WriteVarint(output, (ulong)value.Length);
        output.Write(value);
    }

    public static void WriteVarint(ArrayBufferWriter<byte> output, ulong value) => output.Advance(Varint.Write(output.GetSpan(Varint.MaxLength), value));

    public static void WriteUInt64(ArrayBufferWriter<byte> output, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    public static void WriteMetadata(ArrayBufferWriter<byte> output, LabelPair[]? metadata)
    {
        WriteVarint(output, (ulong)(metadata?.Length ?? 0));
        if (metadata is null)
        {
            return;
        }

        foreach (var pair in metadata)
        {
            WriteString(output, pair.Name);
            WriteString(output, pair.Value);
        }
    }

    public static ulong ReadVarint(ReadOnlySpan<byte> payload, ref int pos)
    {
        var n = Varint.TryRead(payload[pos..], out var value);
        if (n == 0)
        {
            throw new InvalidDataException("wal record varint is corrupt");
        }

        pos += n;
        return value;
    }

    public static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> payload, ref int pos)
    {
        var length = (int)ReadVarint(payload, ref pos);
        var bytes = payload.Slice(pos, length);
        pos += length;
        return bytes;
    }

    public static string ReadString(ReadOnlySpan<byte> payload, ref int pos) => Encoding.UTF8.GetString(ReadBytes(payload, ref pos));

    public static LabelPair[]? ReadMetadata(ReadOnlySpan<byte> payload, ref int pos)
    {
        var count = (int)ReadVarint(payload, ref pos);
        if (count == 0)
        {
            return null;
        }

        var pairs = new LabelPair[count];
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(payload, ref pos);
            pairs[i] = new LabelPair(name, ReadString(payload, ref pos));
        }

        return pairs;
    }
}
