namespace Runestone.Core.Labels;

/// <summary>One label: a name and its value.</summary>
public readonly record struct LabelPair(string Name, string Value);
