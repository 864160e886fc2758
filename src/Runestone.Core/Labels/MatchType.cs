namespace Runestone.Core.Labels;

/// <summary>The four label matcher operators of stream selectors.</summary>
public enum MatchType
{
    /// <summary><c>=</c></summary>
    Equal,

    /// <summary><c>!=</c></summary>
    NotEqual,

    /// <summary><c>=~</c>, fully anchored.</summary>
    Regex,

    /// <summary><c>!~</c>, fully anchored.</summary>
    NotRegex,
}
