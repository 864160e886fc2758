using Runestone.Core.Labels;

namespace Runestone.LogQL.Engine;

/// <summary>One log entry of a result: time, UTF-8 line (after line_format) and its structured metadata.</summary>
public readonly record struct ResultEntry(long TimestampNs, byte[] Line, LabelPair[]? StructuredMetadata);
