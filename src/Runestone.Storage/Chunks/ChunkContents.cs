namespace Runestone.Storage.Chunks;

/// <summary>A chunk object as read back: its stream's labels and its blocks.</summary>
public sealed record ChunkContents(string Labels, IReadOnlyList<SealedBlock> Blocks);
