namespace Runestone.LogQL.Syntax;

/// <summary>A parameter of <c>json</c> or <c>logfmt</c>: extract <see cref="Expression"/> into label <see cref="Name"/>.</summary>
public sealed record LabelExtraction(string Name, string Expression);
