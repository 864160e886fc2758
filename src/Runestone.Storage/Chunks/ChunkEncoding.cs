namespace Runestone.Storage.Chunks;

/// <summary>Block compression codecs, named as Loki's <c>chunk_encoding</c> names them.</summary>
public enum ChunkEncoding : byte
{
    None = 0,
    Gzip = 1,
    Lz4 = 2,
    Zstd = 3,

    /// <summary>Lines split into deduplicated templates and typed variable columns, then zstd (docs/storage.md).</summary>
    ZstdTemplates = 4,
}
