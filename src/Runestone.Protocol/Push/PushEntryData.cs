using Runestone.Core.Labels;

namespace Runestone.Protocol.Push;

/// <summary>An entry to encode: Unix nanoseconds, the UTF-8 line and optional structured metadata.</summary>
public readonly record struct PushEntryData(long TimestampNs, ReadOnlyMemory<byte> Line, LabelPair[]? StructuredMetadata = null);
