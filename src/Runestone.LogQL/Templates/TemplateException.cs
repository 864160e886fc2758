namespace Runestone.LogQL.Templates;

/// <summary>A template that does not parse or fails while executing.</summary>
internal sealed class TemplateException(string message) : Exception(message)
{
}
