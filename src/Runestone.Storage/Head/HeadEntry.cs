using Runestone.Core.Labels;

namespace Runestone.Storage.Head;

/// <summary>Where one head entry's line lives: page and offset in the head's arena.</summary>
public readonly record struct HeadEntry(long Timestamp, int Page, int Offset, int Length, LabelPair[]? Metadata);
