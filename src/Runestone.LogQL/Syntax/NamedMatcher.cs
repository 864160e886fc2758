using Runestone.Core.Labels;

namespace Runestone.LogQL.Syntax;

/// <summary>An argument of <c>drop</c>/<c>keep</c>: a bare label name, or a matcher on it.</summary>
public sealed record NamedMatcher(string Name, LabelMatcher? Matcher)
{
    public override string ToString() => Matcher?.ToString() ?? Name;
}
