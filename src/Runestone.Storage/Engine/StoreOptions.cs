using Runestone.Storage.Chunks;
using Runestone.Storage.Wal;

namespace Runestone.Storage.Engine;

/// <summary>Everything the storage engine needs to know, with Loki's defaults.</summary>
public sealed record StoreOptions
{
    public required string ChunksDirectory { get; init; }

    public required string WalDirectory { get; init; }

    public required string IndexDirectory { get; init; }

    public ChunkEncoding Encoding { get; init; } = ChunkEncoding.ZstdTemplates;

    /// <summary>Raw bytes per block before it is compressed (Loki's chunk_block_size).</summary>
    public int BlockSize { get; init; } = 262144;

    /// <summary>Compressed bytes at which a chunk is cut (Loki's chunk_target_size).</summary>
    public long ChunkTargetSize { get; init; } = 1572864;

    public TimeSpan ChunkIdlePeriod { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan MaxChunkAge { get; init; } = TimeSpan.FromHours(2);

    public TimeSpan FlushCheckPeriod { get; init; } = TimeSpan.FromSeconds(30);

    public bool WalEnabled { get; init; } = true;

    public WalSyncMode WalSync { get; init; } = WalSyncMode.Always;

    /// <summary>fsync period with <see cref="WalSyncMode.Interval"/>.</summary>
    public TimeSpan WalSyncInterval { get; init; } = TimeSpan.FromSeconds(1);

    public long WalSegmentSize { get; init; } = 64L << 20;

    /// <summary>When the WAL holds more than this, the streams pinning its oldest segment are flushed.</summary>
    public long WalMaxBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Memory for the entry keys (timestamp and line hash, 16 bytes an entry) of blocks and chunks
    /// that late entries are checked against for exact duplicates.
    /// </summary>
    public long DuplicateKeysCacheBytes { get; init; } = 32L << 20;

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
