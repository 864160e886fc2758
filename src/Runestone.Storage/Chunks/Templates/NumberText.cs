using System.Globalization;
using System.Runtime.CompilerServices;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>Decimal digits of unsigned numbers, written without allocation.</summary>
internal static class NumberText
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Digits(ulong value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    /// <summary>Writes <paramref name="zeros"/> zeros and then the digits of <paramref name="value"/>; returns the length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value, int zeros)
    {
        if (zeros > 0)
        {
            destination[..zeros].Fill((byte)'0');
        }

        if (!value.TryFormat(destination[zeros..], out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidDataException("template block line is longer than its block");
        }

        return zeros + written;
    }
}
