namespace Runestone.LogQL;

/// <summary>
/// A LogQL syntax or semantic error, shaped like Loki's: <c>parse error at line 1, col 12: ...</c>,
/// or <c>parse error : ...</c> when the error has no position (line and column 0).
/// </summary>
public sealed class ParseException : QueryException
{
    public ParseException(string detail, int line, int column)
        : base(Format(detail, line, column))
    {
        Detail = detail;
        Line = line;
        Column = column;
    }

    /// <summary>1-based line of the offending token, 0 when the error is not tied to a position.</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending token, 0 when the error is not tied to a position.</summary>
    public int Column { get; }

    /// <summary>The message without the position prefix.</summary>
    public string Detail { get; }

    private static string Format(string detail, int line, int column) =>
        line == 0 && column == 0
            ? $"parse error : {detail}"
            : $"parse error at line {line}, col {column}: {detail}";
}
