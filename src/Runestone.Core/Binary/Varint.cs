using System.Runtime.CompilerServices;

namespace Runestone.Core.Binary;

/// <summary>Protobuf-style unsigned and zig-zag varints over spans.</summary>
public static class Varint
{
    public const int MaxLength = 10;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteSigned(Span<byte> destination, long value) => Write(destination, ZigZag(value));

    /// <summary>Reads a varint; returns bytes consumed, or 0 when the input is truncated or overlong.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryRead(ReadOnlySpan<byte> source, out ulong value)
    {
        value = 0;
        var shift = 0;
        for (var i = 0; i < source.Length && i < MaxLength; i++)
        {
            var b = source[i];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return i + 1;
            }

            shift += 7;
        }

        value = 0;
        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryReadSigned(ReadOnlySpan<byte> source, out long value)
    {
        var n = TryRead(source, out var raw);
        value = UnZigZag(raw);
        return n;
    }

    public static int SizeOf(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
