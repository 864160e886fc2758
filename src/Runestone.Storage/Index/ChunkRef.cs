namespace Runestone.Storage.Index;

/// <summary>
/// An index entry for one persisted chunk. <see cref="ThroughWalPosition"/> is the WAL position
/// of the last record whose entries for this stream the chunk (with the stream's earlier
/// chunks) contains: replay skips records at or before it, so nothing is doubled.
/// </summary>
public sealed record ChunkRef(string Key, ulong Fingerprint, long MinTs, long MaxTs, int CompressedSize, long RawSize, int Entries, long ThroughWalPosition);
