using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Templates;

/// <summary>Rejects templates that do not parse at query parse time, at the position of their string.</summary>
internal static class TemplateValidation
{
    public static TemplateProgram Validate(Token token)
    {
        try
        {
            return TemplateProgram.Compile(token.Text);
        }
        catch (Exception e) when (e is TemplateException or FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new ParseException(e is TemplateException ? e.Message : "template: " + e.Message, token.Line, token.Column);
        }
    }
}
