using System.Globalization;

namespace Runestone.LogQL.Syntax;

/// <summary>Numbers printed the way Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c>-style round trip needs.</summary>
internal static class NumberText
{
    public static string Format(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        if (double.IsNaN(value))
        {
            return "NaN";
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }
}
