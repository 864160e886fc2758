namespace Runestone.LogQL.Syntax;

/// <summary>One token: its kind, its text (unescaped for strings) and where it starts.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column)
{
    /// <summary>The token's name in error messages, as Loki's yacc grammar names it.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "$end",
        TokenKind.Identifier => Keywords.Describe(Text),
        TokenKind.String => "STRING",
        TokenKind.Number => "NUMBER",
        TokenKind.Duration => "DURATION",
        TokenKind.Bytes => "BYTES",
        _ => Text,
    };
}
