using System.Text;
using System.Text.RegularExpressions;
using Runestone.Core.Logs;
using Runestone.LogQL.Log;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Filters;

/// <summary>Compiles line filter stages into <see cref="ILineFilter"/>s on UTF-8 bytes.</summary>
internal static class LineFilterFactory
{
    /// <summary>One predicate for a chain of line filters; null when the chain filters nothing.</summary>
    public static ILineFilter? Combine(IReadOnlyList<LineFilterStage> stages)
    {
        var filters = new List<ILineFilter>(stages.Count);
        foreach (var stage in stages)
        {
            var filter = Create(stage);
            if (filter is AlwaysFilter { Result: true })
            {
                continue;
            }

            if (filter is AlwaysFilter { Result: false })
            {
                return filter;
            }

            filters.Add(filter);
        }

        return filters.Count switch
        {
            0 => null,
            1 => filters[0],
            _ => new AllFilter([.. filters]),
        };
    }

    public static ILineFilter Create(LineFilterStage stage)
    {
        var alternatives = new List<ILineFilter>(stage.Values.Count);
        foreach (var value in stage.Values)
        {
            ILineFilter positive;
            if (stage.IsIp)
            {
                if (!IpMatcher.TryCreate(value, out var ip))
                {
                    throw new ParseException($"invalid ip filter \"{value}\"", 0, 0);
                }

                positive = new IpLineFilter(ip);
            }
            else
            {
                positive = stage.Op switch
                {
                    LineFilterOp.Contains or LineFilterOp.NotContains => value.Length == 0
                        ? AlwaysFilter.True
                        : new ContainsFilter(Encoding.UTF8.GetBytes(value)),
                    LineFilterOp.Regex or LineFilterOp.NotRegex => RegexAnalysis.Build(value),
                    _ => PatternFilter(value),
                };
            }

            if (positive is AlwaysFilter { Result: true })
            {
                alternatives.Clear();
                alternatives.Add(positive);
                break;
            }

            alternatives.Add(positive);
        }

        var any = alternatives.Count == 1 ? alternatives[0] : new AnyFilter([.. alternatives]);
        var negate = stage.Op is LineFilterOp.NotContains or LineFilterOp.NotRegex or LineFilterOp.NotPattern;
        if (!negate)
        {
            return any;
        }

        return any is AlwaysFilter always ? (always.Result ? AlwaysFilter.False : AlwaysFilter.True) : new NotFilter(any);
    }

    private static PatternLineFilter PatternFilter(string value)
    {
        if (!PatternExpression.TryParse(value, out var pattern, out var error))
        {
            throw new ParseException(error!, 0, 0);
        }

        return new PatternLineFilter(pattern);
    }

    /// <summary>Rejects a bad regex or pattern at parse time, at the position of its string.</summary>
    public static void Validate(LineFilterOp op, string value, Token token)
    {
        switch (op)
        {
            case LineFilterOp.Regex or LineFilterOp.NotRegex:
                try
                {
                    _ = new Regex(RegexSyntax.ToDotNet(value), RegexOptions.CultureInvariant);
                }
                catch (ArgumentException e)
                {
                    throw new ParseException($"invalid regular expression \"{value}\": {e.Message.Split('\n')[0]}", token.Line, token.Column);
                }

                break;
            case LineFilterOp.Pattern or LineFilterOp.NotPattern:
                if (!PatternExpression.TryParse(value, out _, out var error))
                {
                    throw new ParseException(error!, token.Line, token.Column);
                }

                break;
        }
    }
}
