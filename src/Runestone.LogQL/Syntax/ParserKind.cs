namespace Runestone.LogQL.Syntax;

/// <summary>The log parsers of a pipeline.</summary>
public enum ParserKind
{
    Json,
    Logfmt,
    Regexp,
    Pattern,
    Unpack,
}
