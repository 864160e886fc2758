namespace Runestone.LogQL.Metric;

/// <summary>The evaluation times of a metric query: Start, Start+Step, ... up to End inclusive (one point for instant queries).</summary>
internal readonly record struct StepGrid(long Start, long Step, int Count)
{
    public long Time(int k) => Start + (k * Step);

    /// <summary>
    /// The steps whose window <c>(t - offset - range, t - offset]</c> contains a sample at
    /// <paramref name="ts"/> (Loki's windows are open on the left, closed on the right).
    /// </summary>
    public bool TryStepsFor(long ts, long rangeNs, long offsetNs, out int first, out int last)
    {
        // t >= ts + offset and t < ts + offset + range
        var lo = ts + offsetNs - Start;
        var hi = ts + offsetNs + rangeNs - 1 - Start;
        var kLo = lo <= 0 ? 0 : (lo + Step - 1) / Step;
        if (hi < 0)
        {
            first = last = 0;
            return false;
        }

        var kHi = Math.Min(hi / Step, Count - 1);
        first = (int)Math.Min(kLo, int.MaxValue);
        last = (int)kHi;
        return first <= last;
    }
}
