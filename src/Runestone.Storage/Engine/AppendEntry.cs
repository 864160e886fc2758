using Runestone.Core.Labels;

namespace Runestone.Storage.Engine;

/// <summary>One validated entry to store.</summary>
public readonly record struct AppendEntry(long TimestampNs, ReadOnlyMemory<byte> Line, LabelPair[]? Metadata);
