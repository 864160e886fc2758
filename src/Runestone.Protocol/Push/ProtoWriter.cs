using System.Buffers;
using System.Text;

namespace Runestone.Protocol.Push;

/// <summary>Minimal protobuf writer into an <see cref="IBufferWriter{T}"/>; sizes are computed up front.</summary>
internal static class ProtoWriter
{
    public static int VarintSize(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    public static int LengthFieldSize(int payload) => 1 + VarintSize((ulong)payload) + payload;

    public static void WriteTag(IBufferWriter<byte> output, int field, int wireType) =>
        WriteVarint(output, (ulong)((field << 3) | wireType));

    public static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        output.Advance(n);
    }

    public static void WriteBytes(IBufferWriter<byte> output, int field, ReadOnlySpan<byte> bytes)
    {
        WriteTag(output, field, ProtoReader.WireLength);
        WriteVarint(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    public static void WriteString(IBufferWriter<byte> output, int field, string text)
    {
        WriteTag(output, field, ProtoReader.WireLength);
        var byteCount = Encoding.UTF8.GetByteCount(text);
        WriteVarint(output, (ulong)byteCount);
        var span = output.GetSpan(byteCount);
        Encoding.UTF8.GetBytes(text, span);
        output.Advance(byteCount);
    }
}
