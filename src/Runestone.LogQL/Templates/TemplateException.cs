namespace Runestone.LogQL.Templates;

/// <summary>A template that does not parse or fails while executing.</summary>
public sealed class TemplateException(string message) : Exception(message)
{
}
