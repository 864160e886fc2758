using Runestone.Core.Labels;

namespace Runestone.LogQL.Metric;

/// <summary>One series of an evaluated vector expression: a value at each step where it is present.</summary>
internal sealed class Series(LabelSet labels, int steps)
{
    public LabelSet Labels { get; set; } = labels;

    public double[] Values { get; } = new double[steps];

    public bool[] Present { get; } = new bool[steps];

    public bool Any()
    {
        foreach (var p in Present)
        {
            if (p)
            {
                return true;
            }
        }

        return false;
    }

    public void Set(int step, double value)
    {
        Values[step] = value;
        Present[step] = true;
    }
}
