using System.Buffers.Binary;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using Runestone.Core.Binary;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>
/// Packs a column of unsigned numbers into the fewest bits per value, choosing per column
/// between offsets from the minimum, zig-zag deltas from the previous value (slow-moving fields
/// such as seconds), and indexes into a table of distinct values (statuses, enum-like fields).
/// Column layout: <c>mode | count | parameters | packed bits</c>; see docs/storage.md.
/// </summary>
internal static class BitPacking
{
    private const byte ModeOffset = 0;
    private const byte ModeDelta = 1;
    private const byte ModeTable = 2;
    public const int MaxTable = 64;

    /// <summary>Writes <paramref name="values"/>, which it overwrites; <paramref name="table"/> is scratch space.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Write(IBufferWriter<byte> output, Span<ulong> values, DistinctValues table)
    {
        var count = values.Length;
        ulong min = ulong.MaxValue;
        var previous = 0UL;
        table.Clear();
        for (var i = 0; i < count; i++)
        {
            var v = values[i];
            min = Math.Min(min, v);
            if (table.Count <= MaxTable)
            {
                table.Add(v);
            }
        }

        WriteVarint(output, (ulong)count);
        if (count == 0)
        {
            return;
        }

        ulong offsetAny = 0, deltaAny = 0;
        previous = 0;
        for (var i = 0; i < count; i++)
        {
            offsetAny |= values[i] - min;
            deltaAny |= Varint.ZigZag((long)(values[i] - previous));
            previous = values[i];
        }

        var offsetBits = Bits(offsetAny) - (offsetAny == 0 ? 0 : BitOperations.TrailingZeroCount(offsetAny));
        var deltaBits = Bits(deltaAny) - (deltaAny == 0 ? 0 : BitOperations.TrailingZeroCount(deltaAny));
        var tableBits = table.Count <= MaxTable ? Bits((ulong)table.Count - 1) : 64;
        long offsetCost = (long)offsetBits * count + 8 * Varint.SizeOf(min);
        long deltaCost = (long)deltaBits * count;
        long tableCost = table.Count <= MaxTable ? (long)tableBits * count + 8L * table.Count * 3 : long.MaxValue;
        if (tableCost < offsetCost && tableCost < deltaCost)
        {
            output.GetSpan(1)[0] = ModeTable;
            output.Advance(1);
            WriteVarint(output, (ulong)table.Count);
            for (var i = 0; i < table.Count; i++)
            {
                WriteVarint(output, table.ValueAt(i));
            }

            for (var i = 0; i < count; i++)
            {
                values[i] = (ulong)table.IndexOf(values[i]);
            }

            Pack(output, values, tableBits);
        }
        else if (deltaCost < offsetCost)
        {
            output.GetSpan(1)[0] = ModeDelta;
            output.Advance(1);
            var last = 0UL;
            var any = 0UL;
            for (var i = 0; i < count; i++)
            {
                var v = values[i];
                values[i] = Varint.ZigZag((long)(v - last));
                any |= values[i];
                last = v;
            }

            PackShifted(output, values, any);
        }
        else
        {
            output.GetSpan(1)[0] = ModeOffset;
            output.Advance(1);
            WriteVarint(output, min);
            var any = 0UL;
            for (var i = 0; i < count; i++)
            {
                values[i] -= min;
                any |= values[i];
            }

            PackShifted(output, values, any);
        }
    }

    /// <summary>
    /// Reads a column written by <see cref="Write"/> into <paramref name="arena"/> from
    /// <paramref name="offset"/> on (growing it, contents kept); returns bytes consumed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Read(ReadOnlySpan<byte> input, ref ulong[] arena, int offset, out int count)
    {
        var pos = 0;
        count = checked((int)SectionVarint.Read(input, ref pos, int.MaxValue));
        if (count == 0)
        {
            return pos;
        }

        if (count > input.Length * 8 + 1_000_000)
        {
            throw new InvalidDataException("packed column count is corrupt");
        }

        if (arena.Length < offset + count)
        {
            Array.Resize(ref arena, Math.Max(offset + count, arena.Length * 2));
        }

        var values = arena.AsSpan(offset, count);

        var mode = input[pos++];
        switch (mode)
        {
            case ModeTable:
                {
                    var size = (int)SectionVarint.Read(input, ref pos, MaxTable + 1);
                    Span<ulong> entries = stackalloc ulong[size];
                    for (var i = 0; i < size; i++)
                    {
                        entries[i] = SectionVarint.Read(input, ref pos, ulong.MaxValue);
                    }

                    var bits = Bits((ulong)Math.Max(1, size) - 1);
                    pos += Unpack(input[pos..], values, bits);
                    for (var i = 0; i < count; i++)
                    {
                        values[i] = entries[(int)values[i]];
                    }

                    return pos;
                }

            case ModeDelta:
                {
                    pos += UnpackShifted(input[pos..], values);
                    var previous = 0UL;
                    for (var i = 0; i < count; i++)
                    {
                        previous += (ulong)Varint.UnZigZag(values[i]);
                        values[i] = previous;
                    }

                    return pos;
                }

            case ModeOffset:
                {
                    var min = SectionVarint.Read(input, ref pos, ulong.MaxValue);
                    pos += UnpackShifted(input[pos..], values);
                    for (var i = 0; i < count; i++)
                    {
                        values[i] += min;
                    }

                    return pos;
                }

            default:
                throw new InvalidDataException($"packed column mode {mode} is unknown");
        }
    }

    private static int Bits(ulong value) => value == 0 ? 0 : 64 - BitOperations.LeadingZeroCount(value);

    // Low bits that are zero in every value (a number column's leading-zero flags, when no value
    // has leading zeros; multiples of 10 or 1000) are not stored, and the width is the one that
    // costs least when the few values above it are patched in afterwards (a duration column of
    // mostly small values and rare large ones):
    // shift | width | exceptions | low bits… [| high width | positions… | high bits…].
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackShifted(IBufferWriter<byte> output, Span<ulong> values, ulong any)
    {
        var shift = any == 0 ? 0 : BitOperations.TrailingZeroCount(any);
        var bits = Bits(any >> shift);
        Span<int> histogram = stackalloc int[65];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] >>= shift;
            histogram[Bits(values[i])]++;
        }

        var positionBits = Bits((ulong)values.Length - 1);
        var width = bits;
        var best = (long)bits * values.Length;
        var above = 0;
        for (var w = bits - 1; w >= 0; w--)
        {
            above += histogram[w + 1];
            var cost = (long)w * values.Length + (long)above * (positionBits + bits - w) + 16;
            if (cost < best)
            {
                best = cost;
                width = w;
            }
        }

        var header = output.GetSpan(2);
        header[0] = (byte)shift;
        header[1] = (byte)width;
        output.Advance(2);
        var exceptions = 0;
        for (var w = width + 1; w <= bits; w++)
        {
            exceptions += histogram[w];
        }

        WriteVarint(output, (ulong)exceptions);
        if (exceptions == 0)
        {
            Pack(output, values, width);
            return;
        }

        var positions = new ulong[exceptions];
        var highs = new ulong[exceptions];
        var lowMask = width == 0 ? 0 : ulong.MaxValue >> (64 - width);
        var e = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] > lowMask)
            {
                positions[e] = (ulong)i;
                highs[e++] = values[i] >> width;
                values[i] &= lowMask;
            }
        }

        Pack(output, values, width);
        output.GetSpan(1)[0] = (byte)(bits - width);
        output.Advance(1);
        Pack(output, positions, positionBits);
        Pack(output, highs, bits - width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int UnpackShifted(ReadOnlySpan<byte> input, Span<ulong> values)
    {
        int shift = input[0], width = input[1];
        var pos = 2;
        if (shift > 63 || width > 64)
        {
            throw new InvalidDataException("packed column width is corrupt");
        }

        var exceptions = (int)SectionVarint.Read(input, ref pos, (ulong)values.Length);
        pos += Unpack(input[pos..], values, width);
        if (exceptions > 0)
        {
            var highBits = input[pos++];
            if (width + highBits > 64)
            {
                throw new InvalidDataException("packed column width is corrupt");
            }

            var positions = new ulong[exceptions];
            var highs = new ulong[exceptions];
            pos += Unpack(input[pos..], positions, Bits((ulong)values.Length - 1));
            pos += Unpack(input[pos..], highs, highBits);
            for (var e = 0; e < exceptions; e++)
            {
                values[(int)positions[e]] |= highs[e] << width;
            }
        }

        if (shift > 0)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] <<= shift;
            }
        }

        return pos;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pack(IBufferWriter<byte> output, ReadOnlySpan<ulong> values, int bits)
    {
        var length = (int)(((long)values.Length * bits + 7) / 8);
        var span = output.GetSpan(length + 8);
        span[..(length + 8)].Clear();
        long bit = 0;
        if (bits > 0)
        {
            foreach (var v in values)
            {
                Put(span, bit, v, bits);
                bit += bits;
            }
        }

        output.Advance(length);
    }

    // Values of up to 57 bits go through one unaligned 64-bit read-modify-write; wider ones in two halves.
    private static void Put(Span<byte> span, long bit, ulong value, int bits)
    {
        if (bits > 56)
        {
            Put(span, bit, value & 0xFFFF_FFFF, 32);
            Put(span, bit + 32, value >> 32, bits - 32);
            return;
        }

        var at = (int)(bit >> 3);
        var word = BinaryPrimitives.ReadUInt64LittleEndian(span[at..]);
        word |= value << (int)(bit & 7);
        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], word);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Unpack(ReadOnlySpan<byte> input, Span<ulong> values, int bits)
    {
        var length = (int)(((long)values.Length * bits + 7) / 8);
        if (bits > 64 || length > input.Length)
        {
            throw new InvalidDataException("packed column runs past its section");
        }

        if (bits == 0)
        {
            values.Clear();
            return 0;
        }

        Span<byte> tail = stackalloc byte[16];
        var mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        long bit = 0;
        var i = 0;
        if (bits <= 56)
        {
            // One unaligned 64-bit read per value while eight bytes remain; the tail below.
            var fast = input.Length - 8;
            for (; i < values.Length && (bit >> 3) <= fast; i++, bit += bits)
            {
                values[i] = (BinaryPrimitives.ReadUInt64LittleEndian(input[(int)(bit >> 3)..]) >> (int)(bit & 7)) & mask;
            }
        }

        for (; i < values.Length; i++, bit += bits)
        {
            values[i] = Get(input, tail, bit, bits) & mask;
        }

        return length;
    }

    private static ulong Get(ReadOnlySpan<byte> input, Span<byte> tail, long bit, int bits)
    {
        if (bits > 56)
        {
            return Get(input, tail, bit, 32) & 0xFFFF_FFFF | (Get(input, tail, bit + 32, bits - 32) << 32);
        }

        var at = (int)(bit >> 3);
        ulong word;
        if (at + 8 <= input.Length)
        {
            word = BinaryPrimitives.ReadUInt64LittleEndian(input[at..]);
        }
        else
        {
            tail.Clear();
            input[at..].CopyTo(tail);
            word = BinaryPrimitives.ReadUInt64LittleEndian(tail);
        }

        return (word >> (int)(bit & 7)) & (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1);
    }

    private static void WriteVarint(IBufferWriter<byte> output, ulong value) =>
        output.Advance(Varint.Write(output.GetSpan(Varint.MaxLength), value));
}
