namespace Runestone.Agent.Pipeline;

/// <summary>A sink that collects entries into a list (used by nested pipelines and tests).</summary>
public sealed class ListSink : IStageSink
{
    public List<PipelineEntry> Entries { get; } = [];

    public void Emit(PipelineEntry entry) => Entries.Add(entry);
}
