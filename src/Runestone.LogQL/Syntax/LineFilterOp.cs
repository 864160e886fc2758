namespace Runestone.LogQL.Syntax;

/// <summary>The line filter operators.</summary>
public enum LineFilterOp
{
    /// <summary><c>|=</c></summary>
    Contains,

    /// <summary><c>!=</c></summary>
    NotContains,

    /// <summary><c>|~</c></summary>
    Regex,

    /// <summary><c>!~</c></summary>
    NotRegex,

    /// <summary><c>|&gt;</c></summary>
    Pattern,

    /// <summary><c>!&gt;</c></summary>
    NotPattern,
}
