namespace Runestone.Agent.Config;

/// <summary>The whole Promtail configuration file.</summary>
public sealed class AgentConfig
{
    public ServerConfig Server { get; set; } = new();

    public PositionsConfig Positions { get; set; } = new();

    public List<ClientConfig> Clients { get; } = [];

    public LimitsConfig Limits { get; set; } = new();

    /// <summary><c>target_config.sync_period</c>: how often globs are re-evaluated.</summary>
    public TimeSpan TargetSyncPeriod { get; set; } = TimeSpan.FromSeconds(10);

    public List<ScrapeConfig> ScrapeConfigs { get; } = [];
}
