using System.Text;
using Runestone.Core.Labels;
using Runestone.Core.Time;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// Loki's multi-line LogQL layout (<c>syntax.Prettify</c>, what <c>/loki/api/v1/format_query</c>
/// returns). An expression whose one-line text fits in <see cref="DefaultMaxLineLength"/> bytes
/// stays on one line; a longer one breaks: function arguments go on their own lines, pipeline
/// stages each on a line under their selector, binary operands around the operator, two spaces
/// of indent per level. The one-line pieces are the canonical printer's, in Loki's spelling.
/// </summary>
public static class Prettifier
{
    /// <summary>Loki's <c>MaxCharsPerLine</c>.</summary>
    public const int DefaultMaxLineLength = 100;

    private const string IndentUnit = "  ";

    public static string Prettify(Expr expr, int maxLineLength = DefaultMaxLineLength)
    {
        ArgumentNullException.ThrowIfNull(expr);
        var sb = new StringBuilder();
        new Layout(sb, maxLineLength).Write(expr, 0);
        return sb.ToString();
    }

    private sealed class Layout(StringBuilder sb, int maxLineLength)
    {
        public void Write(Expr expr, int level)
        {
            switch (expr)
            {
                case LogSelectorExpr log: WriteLog(log, level); break;
                case RangeAggregationExpr range: WriteRange(range, level); break;
                case VectorAggregationExpr vector: WriteVectorAggregation(vector, level); break;
                case BinaryOpExpr binary: WriteBinary(binary, level); break;
                case LabelReplaceExpr replace: WriteLabelReplace(replace, level); break;
                default: WriteOneLine(expr, level); break;
            }
        }

        private void WriteLog(LogSelectorExpr log, int level)
        {
            if (log.Stages.Count == 0 ? WriteOneLine(log, level) : TryWriteOneLine(log, level))
            {
                return;
            }

            Indent(level);
            log.FormatMatchers(sb);
            sb.Append('\n');
            var stages = log.Stages;
            var i = 0;
            while (i < stages.Count)
            {
                if (i > 0)
                {
                    sb.Append('\n');
                }

                // Loki's grammar reads adjacent line filters as one stage (a chain), laid out as a unit.
                var end = i;
                while (end < stages.Count && stages[end] is LineFilterStage)
                {
                    end++;
                }

                if (end > i)
                {
                    WriteLineFilters(stages, i, end, level + 1);
                    i = end;
                    continue;
                }

                if (stages[i] is not DecolorizeStage)
                {
                    // Loki prints `| decolorize` without its indent; matched here for identical output.
                    Indent(level + 1);
                }

                sb.Append(StageText(stages, i, i + 1));
                i++;
            }
        }

        private void WriteLineFilters(IReadOnlyList<PipelineStage> stages, int from, int to, int level)
        {
            var text = StageText(stages, from, to);
            if (Fits(text))
            {
                Indent(level).Append(text);
                return;
            }

            if (to - from > 1)
            {
                WriteLineFilters(stages, from, to - 1, level);
                sb.Append('\n');
            }

            Indent(level).Append(StageText(stages, to - 1, to));
        }

        private void WriteRange(RangeAggregationExpr range, int level)
        {
            if (TryWriteOneLine(range, level))
            {
                return;
            }

            Indent(level);
            sb.Append(range.Operation).Append("(\n");
            if (range.Parameter is { } parameter)
            {
                Indent(level + 1).Append(NumberText.FormatGoDefault(parameter)).Append(",\n");
            }

            var logRange = range.Range;
            WriteLog(logRange.Selector, level + 1);
            if (logRange.Unwrap is { } unwrap)
            {
                sb.Append('\n');
                Indent(level + 2);
                unwrap.FormatUnwrap(sb);
                foreach (var filter in unwrap.PostFilters)
                {
                    sb.Append('\n');
                    Indent(level + 2).Append("| ");
                    filter.Format(sb);
                }
            }

            sb.Append(" [").Append(DurationText.Format(logRange.Range)).Append(']');
            if (logRange.Offset != TimeSpan.Zero)
            {
                sb.Append(" offset ").Append(DurationText.Format(logRange.Offset));
            }

            sb.Append('\n');
            Indent(level).Append(')');
            WriteGrouping(range.Grouping);
        }

        private void WriteVectorAggregation(VectorAggregationExpr vector, int level)
        {
            if (TryWriteOneLine(vector, level))
            {
                return;
            }

            Indent(level);
            sb.Append(vector.Operation);
            WriteGrouping(vector.Grouping);
            sb.Append("(\n");
            if (vector.Parameter is { } k)
            {
                Indent(level + 1).Append(k).Append(",\n");
            }

            Write(vector.Inner, level + 1);
            sb.Append('\n');
            Indent(level).Append(')');
        }

        private void WriteBinary(BinaryOpExpr binary, int level)
        {
            if (TryWriteOneLine(binary, level))
            {
                return;
            }

            Write(binary.Left, level + 1);
            sb.Append('\n');
            Indent(level);
            AppendOperator(sb, binary, pretty: true);
            sb.Append('\n');
            Write(binary.Right, level + 1);
        }

        private void WriteLabelReplace(LabelReplaceExpr replace, int level)
        {
            if (TryWriteOneLine(replace, level))
            {
                return;
            }

            Indent(level);
            sb.Append("label_replace(\n");
            Write(replace.Inner, level + 1);
            foreach (var arg in (ReadOnlySpan<string>)[replace.Destination, replace.Replacement, replace.Source, replace.Regex])
            {
                sb.Append(",\n");
                Indent(level + 1);
                LabelText.AppendQuoted(sb, arg);
            }

            sb.Append('\n');
            Indent(level).Append(')');
        }

        /// <summary>Loki's grouping layout: <c> by (a, b)</c>, <c> without (a)</c>, nothing for <c>by ()</c>.</summary>
        private void WriteGrouping(Grouping? grouping)
        {
            if (grouping is null)
            {
                return;
            }

            if (grouping.Without)
            {
                sb.Append(" without");
            }
            else if (grouping.Labels.Count > 0)
            {
                sb.Append(" by");
            }

            if (grouping.Labels.Count > 0)
            {
                sb.Append(" (").AppendJoin(", ", grouping.Labels).Append(')');
            }
        }

        private bool TryWriteOneLine(Expr expr, int level)
        {
            var text = OneLine(expr);
            if (!Fits(text))
            {
                return false;
            }

            Indent(level).Append(text);
            return true;
        }

        private bool WriteOneLine(Expr expr, int level)
        {
            Indent(level).Append(OneLine(expr));
            return true;
        }

        private StringBuilder Indent(int level)
        {
            for (var i = 0; i < level; i++)
            {
                sb.Append(IndentUnit);
            }

            return sb;
        }

        // Go's len() counts bytes, so the limit is on the UTF-8 length.
        private bool Fits(string text) => Encoding.UTF8.GetByteCount(text) <= maxLineLength;
    }

    /// <summary>
    /// Loki's one-line text of an expression (its <c>String()</c>): the canonical printer's,
    /// except that Loki wraps every binary operation in parentheses, not only nested ones.
    /// </summary>
    internal static string OneLine(Expr expr)
    {
        if (!HasBinary(expr))
        {
            return expr.ToString();
        }

        var sb = new StringBuilder();
        AppendOneLine(sb, expr);
        return sb.ToString();
    }

    private static void AppendOneLine(StringBuilder sb, Expr expr)
    {
        switch (expr)
        {
            case BinaryOpExpr binary:
                sb.Append('(');
                AppendOneLine(sb, binary.Left);
                sb.Append(' ');
                AppendOperator(sb, binary, pretty: false);
                sb.Append(' ');
                AppendOneLine(sb, binary.Right);
                sb.Append(')');
                break;
            case VectorAggregationExpr vector:
                vector.FormatOpening(sb);
                AppendOneLine(sb, vector.Inner);
                sb.Append(')');
                break;
            case LabelReplaceExpr replace:
                sb.Append("label_replace(");
                AppendOneLine(sb, replace.Inner);
                replace.FormatArguments(sb);
                break;
            default:
                expr.Format(sb);
                break;
        }
    }

    /// <summary>
    /// Loki's operator text, <c>* on (a, b) group_left (c)</c>: the pretty layout joins labels
    /// with ", " and leaves out an empty <c>on ()</c>; String() joins with "," and always keeps it.
    /// Both put a space after the label list even when no group modifier follows.
    /// </summary>
    private static void AppendOperator(StringBuilder sb, BinaryOpExpr binary, bool pretty)
    {
        sb.Append(binary.Op);
        if (binary.ReturnBool)
        {
            sb.Append(" bool");
        }

        if (binary.Matching is not { } matching || (pretty && matching.Labels.Count == 0))
        {
            return;
        }

        var separator = pretty ? ", " : ",";
        sb.Append(matching.On ? " on (" : " ignoring (").AppendJoin(separator, matching.Labels).Append(") ");
        if (matching.Cardinality != VectorCardinality.OneToOne)
        {
            sb.Append(matching.Cardinality == VectorCardinality.ManyToOne ? "group_left" : "group_right");
        }

        if (matching.Include.Count > 0)
        {
            sb.Append(" (").AppendJoin(separator, matching.Include).Append(')');
        }
    }

    private static bool HasBinary(Expr expr) => expr switch
    {
        BinaryOpExpr => true,
        VectorAggregationExpr vector => HasBinary(vector.Inner),
        LabelReplaceExpr replace => HasBinary(replace.Inner),
        _ => false,
    };

    /// <summary>Stages <paramref name="from"/> to <paramref name="to"/> as Loki prints them: <c>| logfmt</c>, no leading space.</summary>
    private static string StageText(IReadOnlyList<PipelineStage> stages, int from, int to)
    {
        var sb = new StringBuilder();
        for (var i = from; i < to; i++)
        {
            stages[i].Format(sb);
        }

        // Every stage's canonical text starts with the space that separates it from the previous one.
        return sb.ToString(1, sb.Length - 1);
    }
}
