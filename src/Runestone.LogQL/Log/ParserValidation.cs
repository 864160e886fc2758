using System.Text.RegularExpressions;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Log;

/// <summary>Checks the expression of <c>regexp</c> and <c>pattern</c> parsers at parse time, as Loki does.</summary>
internal static class ParserValidation
{
    public static void Validate(ParserKind kind, string expression, Token token)
    {
        if (kind == ParserKind.Regexp)
        {
            Regex regex;
            try
            {
                regex = new Regex(RegexSyntax.ToDotNet(expression), RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new ParseException($"invalid regexp \"{expression}\": {e.Message.Split('\n')[0]}", token.Line, token.Column);
            }

            foreach (var name in regex.GetGroupNames())
            {
                if (!int.TryParse(name, out _))
                {
                    return;
                }
            }

            throw new ParseException("at least one named capture must be supplied", token.Line, token.Column);
        }

        if (kind == ParserKind.Pattern)
        {
            if (!PatternExpression.TryParse(expression, out var pattern, out var error))
            {
                throw new ParseException(error!, token.Line, token.Column);
            }

            foreach (var name in pattern!.Names)
            {
                if (name is not null)
                {
                    return;
                }
            }

            throw new ParseException("at least one named capture is required: invalid expression", token.Line, token.Column);
        }
    }
}
