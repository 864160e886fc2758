using System.Buffers;
using Runestone.Core.Binary;
using Runestone.Core.Logs;
using Runestone.Storage.Chunks.Templates;
using Runestone.Storage.Dedupe;

namespace Runestone.Storage.Chunks;

/// <summary>One compressed block with the facts a scan needs to skip it: time range, count, sizes, CRC.</summary>
public sealed class SealedBlock
{
    public SealedBlock(ChunkEncoding encoding, ReadOnlyMemory<byte> compressed, int rawLength, int count, long minTs, long maxTs, uint crc)
    {
        Encoding = encoding;
        Compressed = compressed;
        RawLength = rawLength;
        Count = count;
        MinTs = minTs;
        MaxTs = maxTs;
        Crc = crc;
    }

    public ChunkEncoding Encoding { get; }

    public ReadOnlyMemory<byte> Compressed { get; }

    public int RawLength { get; }

    public int Count { get; }

    public long MinTs { get; }

    public long MaxTs { get; }

    public uint Crc { get; }

    /// <summary>What a late entry is checked against for duplicates; set for blocks sealed in memory (not read from chunks).</summary>
    internal BlockDedupe? Dedupe { get; set; }

    /// <summary>The block's timestamps in block order, reading as little of it as its encoding allows.</summary>
    internal long[] ReadTimestamps()
    {
        if (Checksum.Compute(Compressed.Span) != Crc)
        {
            throw new InvalidDataException("block checksum mismatch: the chunk is corrupt");
        }

        if (Encoding == ChunkEncoding.ZstdTemplates && TemplateBlockCodec.ReadTimestamps(Compressed.Span, RawLength) is { } timestamps)
        {
            return timestamps;
        }

        using var decoded = Decode();
        return decoded.Timestamps.ToArray();
    }

    /// <summary>Compresses a raw block.</summary>
    public static SealedBlock Seal(ChunkEncoding encoding, ReadOnlySpan<byte> raw, int count, long minTs, long maxTs)
    {
        var compressed = BlockCodec.Compress(encoding, raw);
        return new SealedBlock(encoding, compressed, raw.Length, count, minTs, maxTs, Checksum.Compute(compressed));
    }

    /// <summary>Verifies the checksum, decompresses and decodes the block.</summary>
    public DecodedBlock Decode() => Decode(null)!;

    /// <summary>
    /// Like <see cref="Decode()"/>, but returns null without decoding the columns when
    /// <paramref name="filter"/> rules out every line of the decompressed block at once.
    /// </summary>
    public DecodedBlock? Decode(ILineFilter? filter)
    {
        if (Checksum.Compute(Compressed.Span) != Crc)
        {
            throw new InvalidDataException("block checksum mismatch: the chunk is corrupt");
        }

        // A template block's static text rules out most blocks for a literal before any line is
        // rebuilt (the costly part of reading one).
        if (filter is not null && Encoding == ChunkEncoding.ZstdTemplates && !TemplateBlockCodec.MayMatchAny(Compressed.Span, RawLength, filter))
        {
            return null;
        }

        var raw = ArrayPool<byte>.Shared.Rent(Math.Max(1, RawLength));
        try
        {
            BlockCodec.Decompress(Encoding, Compressed.Span, raw.AsSpan(0, RawLength));
        }
        catch (Exception ex) when (ex is not InvalidDataException)
        {
            ArrayPool<byte>.Shared.Return(raw);
            throw new InvalidDataException($"block does not decompress ({ex.Message}): the chunk is corrupt", ex);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(raw);
            throw;
        }

        if (filter is not null && !filter.MayMatchAny(raw.AsSpan(0, RawLength)))
        {
            ArrayPool<byte>.Shared.Return(raw);
            return null;
        }

        return DecodedBlock.Decode(raw, RawLength);
    }
}
