using Runestone.Core.Labels;

namespace Runestone.LogQL.Engine;

/// <summary>
/// One log entry of a result: time, UTF-8 line (after line_format) and its structured metadata.
/// When the query categorizes labels, <see cref="StructuredMetadata"/> is the metadata left after
/// the pipeline and <see cref="Parsed"/> holds the labels the pipeline added; otherwise
/// <see cref="StructuredMetadata"/> is the entry's metadata as stored and <see cref="Parsed"/> is null.
/// </summary>
public readonly record struct ResultEntry(long TimestampNs, byte[] Line, LabelPair[]? StructuredMetadata, LabelPair[]? Parsed = null);
