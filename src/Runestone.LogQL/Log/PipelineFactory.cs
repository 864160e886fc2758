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

    /// <param name="selector">The log selector and its pipeline.</param>
    /// <param name="hints">When set, the only labels the query uses: parsers skip all other keys.</param>
    public PipelineFactory(LogSelectorExpr selector, IReadOnlySet<string>? hints = null)
    {
        var makers = new List<Func<Stage>>();
        for (var i = selector.PushdownStageCount; i < selector.Stages.Count; i++)
        {
            makers.Add(Compile(selector.Stages[i], hints));
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

    private static Templates.TemplateProgram Compile(string template)
    {
        try
        {
            return Templates.TemplateProgram.Compile(template);
        }
        catch (Templates.TemplateException e)
        {
            throw new QueryException(e.Message);
        }
    }

    private static (LabelFormatItem, Templates.TemplateProgram?)[] CompileLabelFormat(LabelFormatStage stage)
    {
        try
        {
            return LabelFormatStep.Compile(stage);
        }
        catch (Templates.TemplateException e)
        {
            throw new QueryException(e.Message);
        }
    }

    internal static Func<Stage> Compile(PipelineStage stage, IReadOnlySet<string>? hints)
    {
        switch (stage)
        {
            case LineFilterStage lf:
            {
                var filter = LineFilterFactory.Create(lf);
                var step = new LineFilterStep(filter);
                return () => step;
            }

            case LabelFilterStage lfs:
            {
                var predicate = LabelPredicate.Compile(lfs.Filter);
                return () => new LabelFilterStep(predicate);
            }

            case ParserStage { Kind: ParserKind.Json, Parameters.Count: 0 }:
                return () => new JsonStage(hints);
            case ParserStage { Kind: ParserKind.Json } json:
            {
                var expressions = new (string, JsonPath)[json.Parameters.Count];
                for (var i = 0; i < expressions.Length; i++)
                {
                    var p = json.Parameters[i];
                    if (!JsonPath.TryParse(p.Expression, out var path))
                    {
                        throw new QueryException($"invalid json expression \"{p.Expression}\" for label {p.Name}: use field access (a.b, a[\"b\"]) and array access (list[0])");
                    }

                    expressions[i] = (LabelNames.Sanitize(p.Name), path);
                }

                return () => new JsonExpressionStage(expressions);
            }

            case ParserStage { Kind: ParserKind.Logfmt } logfmt:
                return () => new LogfmtStage(logfmt.Strict, logfmt.KeepEmpty, logfmt.Parameters, hints);
            case ParserStage { Kind: ParserKind.Regexp } regexp:
                return RegexpStage.Compile(regexp.Expression!);

            case ParserStage { Kind: ParserKind.Pattern } pattern:
            {
                if (!PatternExpression.TryParse(pattern.Expression!, out var compiled, out var error))
                {
                    throw new QueryException(error!);
                }

                return () => new PatternStage(compiled, hints);
            }

            case ParserStage { Kind: ParserKind.Unpack }:
                return static () => new UnpackStage();
            case DropStage drop:
                return () => new DropKeepStage(drop.Labels, keep: false);
            case KeepStage keep:
                return () => new DropKeepStage(keep.Labels, keep: true);
            case DecolorizeStage:
                return static () => new DecolorizeStep();
            case LineFormatStage lineFormat:
            {
                var template = Compile(lineFormat.Template);
                return () => new LineFormatStep(template);
            }

            case LabelFormatStage labelFormat:
            {
                var items = CompileLabelFormat(labelFormat);
                return () => new LabelFormatStep(items);
            }

            default:
                throw new QueryException($"unsupported pipeline stage '{stage.ToString().Trim()}'");
        }
    }
}
