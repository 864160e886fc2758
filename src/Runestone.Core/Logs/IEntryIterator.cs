using Runestone.Core.Labels;

namespace Runestone.Core.Logs;

/// <summary>
/// Pull iterator over the entries of one stream, in one direction. The spans it exposes are
/// valid only until the next call to <see cref="MoveNext"/>.
/// </summary>
public interface IEntryIterator : IDisposable
{
    /// <summary>The stream's labels.</summary>
    LabelSet Labels { get; }

    bool MoveNext();

    /// <summary>Unix nanoseconds of the current entry.</summary>
    long Timestamp { get; }

    /// <summary>UTF-8 bytes of the current line.</summary>
    ReadOnlySpan<byte> Line { get; }

    /// <summary>Structured metadata of the current entry, empty when it has none.</summary>
    ReadOnlySpan<LabelPair> Metadata { get; }
}
