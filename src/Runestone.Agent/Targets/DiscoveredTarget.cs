namespace Runestone.Agent.Targets;

/// <summary>A target found by service discovery, with its labels before relabeling.</summary>
public sealed record DiscoveredTarget(string Source, IReadOnlyDictionary<string, string> Labels);
