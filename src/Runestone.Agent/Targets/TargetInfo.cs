namespace Runestone.Agent.Targets;

/// <summary>What the <c>/targets</c> and <c>/service-discovery</c> pages show about one target.</summary>
public sealed record TargetInfo(string Job, string Type, IReadOnlyDictionary<string, string> DiscoveredLabels, IReadOnlyDictionary<string, string>? Labels, bool Ready, string Details);
