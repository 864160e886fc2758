using System.Globalization;
using System.Runtime.CompilerServices;
using Runestone.LogQL.Filters;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Log;

/// <summary>
/// A compiled label filter. Conversions that fail keep the entry and set
/// <c>__error__=LabelFilterErr</c> (Loki's rule), so <c>| __error__=""</c> can drop them later.
/// </summary>
internal abstract class LabelPredicate
{
    public abstract bool Test(LabelsBuilder labels);

    public static LabelPredicate Compile(LabelFilterExpr expr) => expr switch
    {
        StringLabelFilter s => new StringPredicate(s),
        NumericLabelFilter n => new NumberPredicate(n.Name, n.Op, n.Value, ValueKind.Number),
        DurationLabelFilter d => new NumberPredicate(d.Name, d.Op, d.Value.TotalSeconds, ValueKind.Duration),
        BytesLabelFilter b => new NumberPredicate(b.Name, b.Op, b.Value, ValueKind.Bytes),
        IpLabelFilter ip => new IpPredicate(ip),
        BinaryLabelFilter bin => new BinaryPredicate(bin.IsAnd, Compile(bin.Left), Compile(bin.Right)),
        _ => throw new QueryException($"unsupported label filter {expr}"),
    };

    internal enum ValueKind
    {
        Number,
        Duration,
        Bytes,
    }

    private sealed class StringPredicate(StringLabelFilter filter) : LabelPredicate
    {
        private readonly Runestone.Core.Labels.LabelMatcher _matcher = filter.Matcher;

        public override bool Test(LabelsBuilder labels) => _matcher.Matches(labels.GetOrEmpty(_matcher.Name));
    }

    private sealed class IpPredicate : LabelPredicate
    {
        private readonly IpLabelFilter _filter;
        private readonly IpMatcher _matcher;

        public IpPredicate(IpLabelFilter filter)
        {
            _filter = filter;
            if (!IpMatcher.TryCreate(filter.Pattern, out var matcher))
            {
                throw new QueryException($"invalid ip filter \"{filter.Pattern}\"");
            }

            _matcher = matcher;
        }

        public override bool Test(LabelsBuilder labels)
        {
            var matches = labels.TryGet(_filter.Name, out var value) && _matcher.Matches(value);
            return matches != _filter.Negate;
        }
    }

    private sealed class BinaryPredicate(bool isAnd, LabelPredicate left, LabelPredicate right) : LabelPredicate
    {
        public override bool Test(LabelsBuilder labels) =>
            isAnd ? left.Test(labels) && right.Test(labels) : left.Test(labels) || right.Test(labels);
    }

    private sealed class NumberPredicate(string name, ComparisonOp op, double value, ValueKind kind) : LabelPredicate
    {
        private const int Slots = 64;

        // Parsers hand out one shared string per repeated value (ValueCache), so the number a
        // value parses to is remembered by string identity. Shared by every stream's pipeline,
        // hence immutable entries swapped whole (a reader sees an old or a new entry, never half).
        private readonly Converted?[] _converted = new Converted?[Slots];

        public override bool Test(LabelsBuilder labels)
        {
            // An entry that already failed keeps its first error and passes, as in Loki.
            if (labels.HasError)
            {
                return true;
            }

            if (!labels.TryGet(name, out var text))
            {
                return op == ComparisonOp.Neq;
            }

            var slot = RuntimeHelpers.GetHashCode(text) & (Slots - 1);
            double actual;
            if (_converted[slot] is { } hit && ReferenceEquals(hit.Text, text))
            {
                actual = hit.Value;
            }
            else if (TryConvert(text, kind, out actual, out var error))
            {
                _converted[slot] = new Converted(text, actual);
            }
            else
            {
                labels.SetError(ErrorNames.LabelFilter, error);
                return true;
            }

            return op switch
            {
                ComparisonOp.Eq => actual == value,
                ComparisonOp.Neq => actual != value,
                ComparisonOp.Gt => actual > value,
                ComparisonOp.Gte => actual >= value,
                ComparisonOp.Lt => actual < value,
                _ => actual <= value,
            };
        }

        private sealed record Converted(string Text, double Value);
    }

    internal static bool TryConvert(string text, ValueKind kind, out double value, out string error)
    {
        error = string.Empty;
        switch (kind)
        {
            case ValueKind.Number:
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                {
                    return true;
                }

                error = $"strconv.ParseFloat: parsing \"{text}\": invalid syntax";
                return false;
            case ValueKind.Duration:
                if (GoDuration.TryParseSeconds(text, out value))
                {
                    return true;
                }

                error = $"time: invalid duration \"{text}\"";
                return false;
            default:
                if (ByteSize.TryParse(text, out value) || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                {
                    return true;
                }

                error = $"strconv.ParseFloat: parsing \"{text}\": invalid syntax";
                return false;
        }
    }
}
