namespace Runestone.Agent.Pipeline;

/// <summary>What stages need from the agent: the clock, the job, custom metrics and a drop counter.</summary>
public sealed class StageContext
{
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public string JobName { get; init; } = string.Empty;

    public CustomMetrics Metrics { get; init; } = new();

    /// <summary>Called when a stage drops an entry, with Promtail's reason (for <c>promtail_dropped_entries_total</c>).</summary>
    public Action<string>? OnDropped { get; init; }

    public void Dropped(string reason) => OnDropped?.Invoke(reason);
}
