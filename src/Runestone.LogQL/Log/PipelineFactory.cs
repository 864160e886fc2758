using Runestone.Core.Labels;
using Runestone.LogQL.Filters;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Log;

/// <summary>
/// Compiles the stages of a log selector that storage did not already apply into per-stream
/// pipelines. Shared, immutable parts (regexes, templates) are compiled once per query.
/// </summary>
internal sealed class PipelineFactory
{
    private readonly Func<Stage>[] _makers;

    public PipelineFactory(LogSelectorExpr selector, bool includePushdown = false)
    {
        var makers = new List<Func<Stage>>();
        for (var i = includePushdown ? 0 : selector.PushdownStageCount; i < selector.Stages.Count; i++)
        {
            makers.Add(Compile(selector.Stages[i]));
        }

        _makers = [.. makers];
    }

    /// <summary>True when every stage ran in storage: lines and labels pass unchanged.</summary>
    public bool IsEmpty => _makers.Length == 0;

    public StreamPipeline ForStream(LabelSet labels)
    {
        var stages = new Stage[_makers.Length];
        for (var i = 0; i < stages.Length; i++)
        {
            stages[i] = _makers[i]();
        }

        return new StreamPipeline(stages, labels);
    }

    internal static Func<Stage> Compile(PipelineStage stage)
    {
        switch (stage)
        {
            case LineFilterStage lf:
            {
                var filter = LineFilterFactory.Create(lf);
                var step = new LineFilterStep(filter);
                return () => step;
            }

            default:
                throw new QueryException($"the pipeline stage '{stage.ToString().Trim()}' is not supported by this engine yet");
        }
    }
}
