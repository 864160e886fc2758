using System.Globalization;
using System.Text;

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

    /// <summary>
    /// Go's <c>fmt.Sprint(float64)</c> (<c>%v</c>): the shortest digits, in exponent form
    /// (<c>1e+06</c>, <c>1.5e-05</c>) when the decimal exponent is below -4 or at least 6.
    /// </summary>
    public static string FormatGoDefault(double value)
    {
        if (!double.IsFinite(value) || value == 0)
        {
            return value == 0 ? (double.IsNegative(value) ? "-0" : "0") : Format(value);
        }

        // "E16" would not be the shortest; "R" is, so take its digits and exponent apart.
        var text = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? text : text[..e];
        var exponent = e < 0 ? 0 : int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var decimalPoint = (point < 0 ? mantissa.Length : point) + exponent;
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }

        digits = digits[leading..].TrimEnd('0');
        decimalPoint -= leading;
        var sb = new StringBuilder();
        if (value < 0)
        {
            sb.Append('-');
        }

        var exp = decimalPoint - 1;
        if (exp < -4 || exp >= 6)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            sb.Append('e').Append(exp < 0 ? '-' : '+');
            var magnitude = Math.Abs(exp);
            if (magnitude < 10)
            {
                sb.Append('0');
            }

            return sb.Append(magnitude.ToString(CultureInfo.InvariantCulture)).ToString();
        }

        if (decimalPoint <= 0)
        {
            return sb.Append("0.").Append('0', -decimalPoint).Append(digits).ToString();
        }

        if (decimalPoint >= digits.Length)
        {
            return sb.Append(digits).Append('0', decimalPoint - digits.Length).ToString();
        }

        return sb.Append(digits, 0, decimalPoint).Append('.').Append(digits, decimalPoint, digits.Length - decimalPoint).ToString();
    }
}
