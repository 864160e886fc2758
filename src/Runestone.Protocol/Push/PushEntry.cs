using Runestone.Core.Labels;

namespace Runestone.Protocol.Push;

/// <summary>
/// One decoded log entry. <see cref="Line"/> is a slice of the owning <see cref="PushRequest"/>'s
/// pooled buffer and is valid only until that request is disposed.
/// </summary>
public readonly record struct PushEntry(long TimestampNs, ReadOnlyMemory<byte> Line, LabelPair[]? StructuredMetadata);
