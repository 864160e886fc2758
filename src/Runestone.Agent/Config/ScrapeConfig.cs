using Runestone.Agent.Relabeling;
using YamlDotNet.RepresentationModel;

namespace Runestone.Agent.Config;

/// <summary>One entry of <c>scrape_configs:</c>.</summary>
public sealed class ScrapeConfig
{
    public string JobName { get; set; } = string.Empty;

    /// <summary>The raw <c>pipeline_stages</c> node, built into a pipeline per target.</summary>
    public YamlNode? PipelineStages { get; set; }

    public string PipelineStagesPath { get; set; } = string.Empty;

    public List<StaticConfig> StaticConfigs { get; } = [];

    public List<KubernetesSdConfig> KubernetesSdConfigs { get; } = [];

    public List<RelabelConfig> RelabelConfigs { get; } = [];

    public SyslogConfig? Syslog { get; set; }

    public PushApiConfig? LokiPushApi { get; set; }

    public JournalConfig? Journal { get; set; }

    public bool DecompressionEnabled { get; set; }

    public TimeSpan DecompressionInitialDelay { get; set; }

    public string DecompressionFormat { get; set; } = "gz";
}
