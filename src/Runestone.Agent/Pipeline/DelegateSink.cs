namespace Runestone.Agent.Pipeline;

/// <summary>A sink that forwards to a delegate.</summary>
public sealed class DelegateSink(Action<PipelineEntry> action) : IStageSink
{
    public void Emit(PipelineEntry entry) => action(entry);
}
