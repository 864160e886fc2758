using System.Runtime.CompilerServices;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>Decimal digits of unsigned numbers, written without allocation, two digits a step.</summary>
internal static class NumberText
{
    private static ReadOnlySpan<byte> Pairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Digits(ulong value)
    {
        var digits = 1;
        while (value >= 10_000)
        {
            value /= 10_000;
            digits += 4;
        }

        return value >= 1000 ? digits + 3 : value >= 100 ? digits + 2 : value >= 10 ? digits + 1 : digits;
    }

    /// <summary>Writes <paramref name="zeros"/> zeros and then the digits of <paramref name="value"/>; returns the length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value, int zeros)
    {
        var pairs = Pairs;
        if (zeros == 0)
        {
            // Most values in logs are short: one or two digits without leading zeros.
            if (value < 10)
            {
                destination[0] = (byte)('0' + (int)value);
                return 1;
            }

            if (value < 100)
            {
                var r = (int)value * 2;
                destination[1] = pairs[r + 1];
                destination[0] = pairs[r];
                return 2;
            }
        }
        else
        {
            destination[..zeros].Fill((byte)'0');
        }

        var length = zeros + Digits(value);
        var span = destination[..length];
        var i = length;
        while (value >= 100)
        {
            var q = value / 100;
            var r = (int)(value - q * 100) * 2;
            span[--i] = pairs[r + 1];
            span[--i] = pairs[r];
            value = q;
        }

        if (value >= 10)
        {
            var r = (int)value * 2;
            span[--i] = pairs[r + 1];
            span[--i] = pairs[r];
        }
        else
        {
            span[--i] = (byte)('0' + (int)value);
        }

        return length;
    }
}
