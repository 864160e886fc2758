using System.Globalization;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// Byte sizes as LogQL writes them (go-humanize units): <c>20KB</c> is 20 000, <c>1KiB</c> is 1024,
/// <c>B</c>, <c>KB</c>/<c>KiB</c> up to <c>EB</c>/<c>EiB</c>, case-insensitive.
/// </summary>
internal static class ByteSize
{
    public static bool TryParse(ReadOnlySpan<char> text, out double bytes)
    {
        bytes = 0;
        text = text.Trim();
        var pos = 0;
        while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] == '.'))
        {
            pos++;
        }

        if (pos == 0 || !double.TryParse(text[..pos], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var unit = text[pos..].Trim();
        Span<char> lower = stackalloc char[8];
        if (unit.Length > lower.Length)
        {
            return false;
        }

        var n = unit.ToLowerInvariant(lower);
        double multiplier = lower[..n] switch
        {
            "" => 0,
            "b" => 1,
            "kb" => 1e3,
            "kib" => 1024d,
            "mb" => 1e6,
            "mib" => 1024d * 1024,
            "gb" => 1e9,
            "gib" => 1024d * 1024 * 1024,
            "tb" => 1e12,
            "tib" => 1024d * 1024 * 1024 * 1024,
            "pb" => 1e15,
            "pib" => 1024d * 1024 * 1024 * 1024 * 1024,
            "eb" => 1e18,
            "eib" => 1024d * 1024 * 1024 * 1024 * 1024 * 1024,
            _ => -1,
        };

        if (multiplier <= 0)
        {
            return false;
        }

        bytes = number * multiplier;
        return true;
    }
}
