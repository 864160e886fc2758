using System.Globalization;

namespace Runestone.Server.Configuration;

/// <summary>
/// Byte sizes the way Loki's <c>flagext.ByteSize</c> reads and prints them: an integer with an
/// optional unit, where KB, MB, GB and TB are binary (1KB = 1024 bytes, as in Loki). The IEC
/// spellings (KiB, MiB, ...) and single letters (K, M, ...) mean the same; case does not matter.
/// </summary>
public static class ByteSizeText
{
    private static readonly (string Suffix, long Factor)[] s_units =
    [
        ("TB", 1L << 40),
        ("GB", 1L << 30),
        ("MB", 1L << 20),
        ("KB", 1L << 10),
    ];

    public static bool TryParse(ReadOnlySpan<char> text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(text[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var unit = text[digits..].Trim();
        long factor;
        if (unit.IsEmpty || unit.Equals("b", StringComparison.OrdinalIgnoreCase) || unit.Equals("byte", StringComparison.OrdinalIgnoreCase) || unit.Equals("bytes", StringComparison.OrdinalIgnoreCase))
        {
            factor = 1;
        }
        else if (!TryUnitFactor(unit, out factor))
        {
            return false;
        }

        if (number > long.MaxValue / factor)
        {
            return false;
        }

        bytes = number * factor;
        return true;
    }

    /// <summary>Prints the largest unit that divides the size exactly: 262144 → <c>256KB</c>, 3145728 → <c>3MB</c>, 1000 → <c>1000B</c>.</summary>
    public static string Format(long bytes)
    {
        if (bytes == 0)
        {
            return "0B";
        }

        foreach (var (suffix, factor) in s_units)
        {
            if (bytes % factor == 0)
            {
                return (bytes / factor).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }

    private static bool TryUnitFactor(ReadOnlySpan<char> unit, out long factor)
    {
        factor = 0;
        var letter = char.ToUpperInvariant(unit[0]);
        var rest = unit[1..];
        var known = rest.IsEmpty
            || rest.Equals("b", StringComparison.OrdinalIgnoreCase)
            || rest.Equals("ib", StringComparison.OrdinalIgnoreCase);
        if (!known)
        {
            return false;
        }

        factor = letter switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            'T' => 1L << 40,
            'P' => 1L << 50,
            _ => 0,
        };
        return factor != 0;
    }
}
