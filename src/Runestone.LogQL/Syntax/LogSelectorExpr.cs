using System.Text;
using Runestone.Core.Labels;
using Runestone.Core.Logs;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// A log query: a stream selector and its pipeline. The line filters before the first other
/// stage are compiled once into <see cref="PushdownFilter"/>, which storage evaluates on raw bytes.
/// </summary>
public sealed class LogSelectorExpr : Expr
{
    private readonly Lazy<ILineFilter?> _pushdown;

    public LogSelectorExpr(IReadOnlyList<LabelMatcher> matchers, IReadOnlyList<PipelineStage> stages)
    {
        Matchers = matchers;
        Stages = stages;
        var leading = 0;
        while (leading < stages.Count && stages[leading] is LineFilterStage)
        {
            leading++;
        }

        PushdownStageCount = leading;

        // Compiled on first use: parsing alone (format_query, the agent's selectors) never pays
        // for regex compilation.
        _pushdown = new Lazy<ILineFilter?>(() =>
        {
            var filters = new List<LineFilterStage>(leading);
            for (var i = 0; i < leading; i++)
            {
                filters.Add((LineFilterStage)stages[i]);
            }

            return Filters.LineFilterFactory.Combine(filters);
        });
    }

    public IReadOnlyList<LabelMatcher> Matchers { get; }

    public IReadOnlyList<PipelineStage> Stages { get; }

    /// <summary>The leading line filters as one predicate for storage; null when the pipeline starts otherwise.</summary>
    public ILineFilter? PushdownFilter => _pushdown.Value;

    /// <summary>How many leading stages <see cref="PushdownFilter"/> covers.</summary>
    public int PushdownStageCount { get; }

    /// <summary>True when the pipeline has only line filters (lines and labels pass unchanged).</summary>
    public bool IsFilterOnly => PushdownStageCount == Stages.Count;

    public override void Format(StringBuilder sb)
    {
        FormatMatchers(sb);
        foreach (var stage in Stages)
        {
            stage.Format(sb);
        }
    }

    /// <summary>Appends the stream selector alone, <c>{a="b", c=~"d"}</c>, without the pipeline.</summary>
    public void FormatMatchers(StringBuilder sb)
    {
        sb.Append('{');
        for (var i = 0; i < Matchers.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Matchers[i].ToString());
        }

        sb.Append('}');
    }
}
