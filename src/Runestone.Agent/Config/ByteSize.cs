using System.Globalization;

namespace Runestone.Agent.Config;

/// <summary>Parses byte sizes the way Promtail's flagext.ByteSize does (number with an optional unit).</summary>
public static class ByteSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        if (text.Length == 0)
        {
            return false;
        }

        var i = 0;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        if (!double.TryParse(text.AsSpan(0, i), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var unit = text[i..].Trim().ToUpperInvariant();
        double mult = unit switch
        {
            "" or "B" => 1,
            "K" or "KB" => 1000,
            "KI" or "KIB" => 1024,
            "M" or "MB" => 1000_000,
            "MI" or "MIB" => 1024 * 1024,
            "G" or "GB" => 1000_000_000,
            "GI" or "GIB" => 1024 * 1024 * 1024,
            _ => -1,
        };
        if (mult < 0)
        {
            return false;
        }

        bytes = (long)(number * mult);
        return true;
    }
}
