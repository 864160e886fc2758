namespace Runestone.Agent.Config;

/// <summary><c>positions:</c> where read offsets are saved.</summary>
public sealed class PositionsConfig
{
    public string Filename { get; set; } = "/var/log/positions.yaml";

    public TimeSpan SyncPeriod { get; set; } = TimeSpan.FromSeconds(10);

    public bool IgnoreInvalidYaml { get; set; }
}
