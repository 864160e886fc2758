namespace Runestone.LogQL.Syntax;

/// <summary>One <c>label_format</c> assignment: <c>dst=src</c> (rename) or <c>dst="{{template}}"</c>.</summary>
public sealed record LabelFormatItem(string Name, string Value, bool IsTemplate);
