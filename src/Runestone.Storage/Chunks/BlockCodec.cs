using System.Buffers;
using System.IO.Compression;
using K4os.Compression.LZ4;
using Runestone.Storage.Chunks.Templates;
using ZstdNet;

namespace Runestone.Storage.Chunks;

/// <summary>
/// Compresses and decompresses one block. Zstd runs in native libzstd (ZstdNet, which ships the
/// library for each platform): measured 25-40% faster compression and 1.6-2x faster decompression
/// than the managed port on the benchmark's blocks (docs/benchmarks.md). Compressors and
/// decompressors are pooled per thread, since creating them costs more than a small block.
/// </summary>
public static class BlockCodec
{
    [ThreadStatic]
    private static Compressor? t_zstdCompressor;

    [ThreadStatic]
    private static int t_zstdCompressorLevel;

    [ThreadStatic]
    private static Decompressor? t_zstdDecompressor;

    /// <summary>Zstd level used for blocks; level 1 measured best for ingest speed at a ratio above 8 on log text.</summary>
    public static int ZstdLevel { get; set; } = 1;

    public static ChunkEncoding Parse(string name) => name.ToLowerInvariant() switch
    {
        "none" => ChunkEncoding.None,
        "gzip" => ChunkEncoding.Gzip,
        "lz4" or "lz4-256k" or "lz4-1m" or "lz4-4m" or "lz4-64k" => ChunkEncoding.Lz4,
        "zstd" => ChunkEncoding.Zstd,
        "zstd-templates" => ChunkEncoding.ZstdTemplates,
        "snappy" => ChunkEncoding.Lz4, // same speed class as snappy; stored as lz4 (documented)
        _ => throw new ArgumentException($"unknown chunk encoding '{name}': use none, gzip, lz4, snappy, zstd or zstd-templates"),
    };

    /// <summary>Compresses <paramref name="raw"/> into a new exactly-sized array.</summary>
    public static byte[] Compress(ChunkEncoding encoding, ReadOnlySpan<byte> raw)
    {
        switch (encoding)
        {
            case ChunkEncoding.None:
                return raw.ToArray();
            case ChunkEncoding.Zstd:
                return CompressZstd(raw);
            case ChunkEncoding.ZstdTemplates:
                return TemplateBlockCodec.Compress(raw);
            case ChunkEncoding.Lz4:
                {
                    var rented = ArrayPool<byte>.Shared.Rent(LZ4Codec.MaximumOutputSize(raw.Length));
                    try
                    {
                        var written = LZ4Codec.Encode(raw, rented, LZ4Level.L00_FAST);
                        return LongLived(rented.AsSpan(0, written));
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }
                }

            case ChunkEncoding.Gzip:
                {
                    using var output = new MemoryStream(raw.Length / 4);
                    using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        gzip.Write(raw);
                    }

                    return output.ToArray();
                }

            default:
                throw new InvalidDataException($"unknown block encoding {(byte)encoding}");
        }
    }

    private static byte[] CompressZstd(ReadOnlySpan<byte> input)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(input.Length));
        try
        {
            return LongLived(rented.AsSpan(0, ZstdWrap(input, rented)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Compresses into <paramref name="output"/> (at least the compress bound long) at <see cref="ZstdLevel"/>.</summary>
    internal static int ZstdWrap(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (t_zstdCompressor is null || t_zstdCompressorLevel != ZstdLevel)
        {
            t_zstdCompressor?.Dispose();
            t_zstdCompressor = new Compressor(new CompressionOptions(ZstdLevel));
            t_zstdCompressorLevel = ZstdLevel;
        }

        return t_zstdCompressor.Wrap(input, output);
    }

    /// <summary>Decompresses one zstd frame; a corrupt frame is an <see cref="InvalidDataException"/>.</summary>
    internal static int ZstdUnwrap(ReadOnlySpan<byte> input, Span<byte> output)
    {
        try
        {
            return (t_zstdDecompressor ??= new Decompressor()).Unwrap(input, output, bufferSizePrecheck: false);
        }
        catch (ZstdException e)
        {
            throw new InvalidDataException($"corrupt zstd block: {e.Message}", e);
        }
    }

    // Compressed blocks live until their chunk is flushed: allocating them on the pinned object
    // heap means the GC never copies them from generation to generation.
    internal static byte[] LongLived(ReadOnlySpan<byte> bytes)
    {
        var array = GC.AllocateUninitializedArray<byte>(bytes.Length, pinned: true);
        bytes.CopyTo(array);
        return array;
    }

    /// <summary>Decompresses into <paramref name="destination"/>, whose length must be the raw length.</summary>
    public static void Decompress(ChunkEncoding encoding, ReadOnlySpan<byte> compressed, Span<byte> destination)
    {
        int written;
        switch (encoding)
        {
            case ChunkEncoding.None:
                compressed.CopyTo(destination);
                written = compressed.Length;
                break;
            case ChunkEncoding.Zstd:
                written = ZstdUnwrap(compressed, destination);
                break;
            case ChunkEncoding.ZstdTemplates:
                TemplateBlockCodec.Decompress(compressed, destination);
                written = destination.Length;
                break;
            case ChunkEncoding.Lz4:
                written = LZ4Codec.Decode(compressed, destination);
                break;
            case ChunkEncoding.Gzip:
                {
                    using var input = new MemoryStream(compressed.ToArray());
                    using var gzip = new GZipStream(input, CompressionMode.Decompress);
                    written = 0;
                    int n;
                    while (written < destination.Length && (n = gzip.Read(destination[written..])) > 0)
                    {
                        written += n;
                    }

                    break;
                }

            default:
                throw new InvalidDataException($"unknown block encoding {(byte)encoding}");
        }

        if (written != destination.Length)
        {
            throw new InvalidDataException($"block decompressed to {written} bytes, expected {destination.Length}");
        }
    }
}
