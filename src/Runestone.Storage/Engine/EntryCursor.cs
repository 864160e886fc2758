using Runestone.Core.Labels;

namespace Runestone.Storage.Engine;

/// <summary>
/// A position in one time-sorted source (a block or a head snapshot), moving in the query's
/// direction and skipping entries outside the range or rejected by the line filter.
/// </summary>
internal abstract class EntryCursor : IDisposable
{
    /// <summary>Merge key: the timestamp, negated for backward queries so one min-heap serves both.</summary>
    public long Key { get; protected set; }

    public long Timestamp { get; protected set; }

    /// <summary>Order of creation; breaks ties so the merge is deterministic.</summary>
    public int Sequence { get; init; }

    public abstract ReadOnlySpan<byte> Line { get; }

    public abstract LabelPair[]? Metadata { get; }

    /// <summary>Moves to the next matching entry; false when exhausted.</summary>
    public abstract bool Advance();

    public abstract void Dispose();
}
