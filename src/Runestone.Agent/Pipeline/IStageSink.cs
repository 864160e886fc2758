namespace Runestone.Agent.Pipeline;

/// <summary>Receives entries a stage lets through (the next stage, or the pipeline's output).</summary>
public interface IStageSink
{
    void Emit(PipelineEntry entry);
}
