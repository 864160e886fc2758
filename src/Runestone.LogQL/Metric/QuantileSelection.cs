namespace Runestone.LogQL.Metric;

/// <summary>
/// The k-th smallest of a span of numbers (no NaN) by quickselect: the span is reordered so that
/// everything before k is &lt;= it and everything after is &gt;= it. Falls back to a sort of the
/// remaining range when partitioning keeps going badly, so the worst case stays n log n.
/// </summary>
internal static class QuantileSelection
{
    public static double Select(Span<double> values, int k)
    {
        var lo = 0;
        var hi = values.Length - 1;
        var budget = 2 * (64 - ulong.LeadingZeroCount((ulong)values.Length));
        while (hi > lo)
        {
            if (hi - lo < 16 || budget-- == 0)
            {
                values[lo..(hi + 1)].Sort();
                return values[k];
            }

            // Median of three as the pivot, then a Hoare partition.
            var mid = lo + ((hi - lo) >> 1);
            var pivot = MedianOfThree(values[lo], values[mid], values[hi]);
            var i = lo;
            var j = hi;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }

    public static double Min(ReadOnlySpan<double> values)
    {
        var min = values[0];
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] < min)
            {
                min = values[i];
            }
        }

        return min;
    }

    private static double MedianOfThree(double a, double b, double c) =>
        a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
}
