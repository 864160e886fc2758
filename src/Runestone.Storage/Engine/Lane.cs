using Runestone.Storage.Chunks;
using Runestone.Storage.Head;

namespace Runestone.Storage.Engine;

/// <summary>
/// The chunk a stream is building: sealed (compressed) blocks, full head blocks waiting to be
/// sealed, and the open head block. A stream has two: one for entries in time order and one
/// for late entries, so old data never widens the time range of the current chunk.
/// </summary>
internal sealed class Lane
{
    public List<SealedBlock> Sealed { get; } = [];

    public List<HeadBlock> Full { get; } = [];

    public HeadBlock Head { get; set; } = new();

    public long SealedBytes { get; set; }

    public long RawBytes { get; set; }

    public int Entries { get; set; }

    public long MinTs { get; set; } = long.MaxValue;

    public long MaxTs { get; set; } = long.MinValue;

    /// <summary>Clock time of the first entry (for max_chunk_age).</summary>
    public long CreatedAtTicks { get; set; }

    public bool IsEmpty => Entries == 0;
}
