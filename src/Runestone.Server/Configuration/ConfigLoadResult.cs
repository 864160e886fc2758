namespace Runestone.Server.Configuration;

/// <summary>The options read from a configuration and the warnings (ignored keys) to print once at start.</summary>
public sealed record ConfigLoadResult(RunestoneOptions Options, IReadOnlyList<string> Warnings);
