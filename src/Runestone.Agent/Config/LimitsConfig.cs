namespace Runestone.Agent.Config;

/// <summary><c>limits_config:</c> global read limits.</summary>
public sealed class LimitsConfig
{
    public bool ReadlineRateEnabled { get; set; }

    public double ReadlineRate { get; set; } = 10000;

    public int ReadlineBurst { get; set; } = 10000;

    public bool ReadlineRateDrop { get; set; } = true;

    public int MaxStreams { get; set; }

    /// <summary>0 means no limit.</summary>
    public long MaxLineSize { get; set; }

    /// <summary>When true, lines over <see cref="MaxLineSize"/> are cut; otherwise dropped.</summary>
    public bool MaxLineSizeTruncate { get; set; }
}
