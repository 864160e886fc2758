using Runestone.Core.Labels;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL;

/// <summary>Entry points of the LogQL parser.</summary>
public static class LogQLParser
{
    /// <summary>Parses a log or metric query. Throws <see cref="ParseException"/> with Loki's message shape.</summary>
    public static Expr Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Parser.ParseExpr(query);
    }

    /// <summary>Parses a stream selector such as <c>{app="a", env=~"prod|dev"}</c> (series <c>match[]</c>, tail queries).</summary>
    public static IReadOnlyList<LabelMatcher> ParseSelector(string selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        return Parser.ParseMatchers(selector);
    }
}
