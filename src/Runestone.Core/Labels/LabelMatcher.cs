using System.Text.RegularExpressions;

namespace Runestone.Core.Labels;

/// <summary>
/// One matcher of a stream selector. Regex matchers are fully anchored like Prometheus and
/// Loki (<c>=~"a.*"</c> must match the whole value). A missing label matches as the empty value.
/// </summary>
public sealed class LabelMatcher
{
    private readonly Regex? _regex;

    public LabelMatcher(MatchType type, string name, string value)
    {
        Type = type;
        Name = name;
        Value = value;
        if (type is MatchType.Regex or MatchType.NotRegex)
        {
            _regex = new Regex("^(?:" + value + ")$", RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.ExplicitCapture);
        }
    }

    public MatchType Type { get; }

    public string Name { get; }

    public string Value { get; }

    /// <summary>True when the matcher accepts the empty string (and so also streams without the label).</summary>
    public bool MatchesEmpty => Matches(string.Empty);

    public bool Matches(string value) => Type switch
    {
        MatchType.Equal => value == Value,
        MatchType.NotEqual => value != Value,
        MatchType.Regex => _regex!.IsMatch(value),
        _ => !_regex!.IsMatch(value),
    };

    /// <summary>Applies the matcher to a label set (a missing label is the empty value).</summary>
    public bool Matches(LabelSet labels) => Matches(labels.Get(Name) ?? string.Empty);

    public override string ToString()
    {
        var op = Type switch
        {
            MatchType.Equal => "=",
            MatchType.NotEqual => "!=",
            MatchType.Regex => "=~",
            _ => "!~",
        };
        var sb = new System.Text.StringBuilder();
        sb.Append(Name).Append(op);
        LabelText.AppendQuoted(sb, Value);
        return sb.ToString();
    }
}
