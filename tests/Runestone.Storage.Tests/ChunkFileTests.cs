using System.Buffers.Binary;
using System.Text;
using Runestone.Core.Labels;
using Runestone.Storage.Chunks;
using Runestone.Storage.Head;
using Xunit;

namespace Runestone.Storage.Tests;

public sealed class ChunkFileTests
{
    private const string Labels = "{app=\"api\", env=\"prod\"}";

    public static TheoryData<ChunkEncoding> Encodings => new() { ChunkEncoding.None, ChunkEncoding.Gzip, ChunkEncoding.Lz4, ChunkEncoding.Zstd, ChunkEncoding.ZstdTemplates };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Chunk_round_trips_blocks_and_labels(ChunkEncoding encoding)
    {
        var blocks = MakeBlocks(encoding, blockCount: 3, perBlock: 50);
        var data = ChunkFile.Write(Labels, blocks);

        var contents = ChunkFile.Read(data);
        Assert.Equal(Labels, contents.Labels);
        Assert.Equal(blocks.Count, contents.Blocks.Count);
        for (var b = 0; b < blocks.Count; b++)
        {
            var expected = blocks[b];
            var actual = contents.Blocks[b];
            Assert.Equal(expected.Encoding, actual.Encoding);
            Assert.Equal(expected.Count, actual.Count);
            Assert.Equal(expected.RawLength, actual.RawLength);
            Assert.Equal(expected.MinTs, actual.MinTs);
            Assert.Equal(expected.MaxTs, actual.MaxTs);
            Assert.Equal(expected.Crc, actual.Crc);
            Assert.Equal(expected.Compressed.ToArray(), actual.Compressed.ToArray());
            using var decoded = actual.Decode();
            Assert.Equal(expected.Count, decoded.Count);
            Assert.Equal($"block {b} line 0 ", Encoding.UTF8.GetString(decoded.Line(0)));
            Assert.Equal([new LabelPair("i", "0")], decoded.Metadata(0)!);
        }
    }

    [Fact]
    public void Chunk_without_blocks_round_trips()
    {
        var contents = ChunkFile.Read(ChunkFile.Write("{}", []));
        Assert.Equal("{}", contents.Labels);
        Assert.Empty(contents.Blocks);
    }

    [Fact]
    public void Header_and_footer_fields_are_little_endian_as_documented()
    {
        var data = ChunkFile.Write(Labels, MakeBlocks(ChunkEncoding.Zstd, 2, 10));
        Assert.Equal("RSCK", Encoding.ASCII.GetString(data, 0, 4));
        Assert.Equal(ChunkFile.Version, data[4]);
        Assert.Equal((byte)ChunkEncoding.Zstd, data[5]);
        Assert.Equal(ChunkFile.Magic, BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4)));
        var metaOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(data.Length - 16));
        Assert.InRange(metaOffset, 8, data.Length - 16);
    }

    [Fact]
    public void Bad_magic_is_refused()
    {
        var data = ChunkFile.Write(Labels, MakeBlocks(ChunkEncoding.Zstd, 1, 10));
        data[0] ^= 0xFF;
        var ex = Assert.Throws<InvalidDataException>(() => ChunkFile.Read(data));
        Assert.Contains("bad magic", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_version_is_refused_with_a_clear_message()
    {
        var data = ChunkFile.Write(Labels, MakeBlocks(ChunkEncoding.Zstd, 1, 10));
        data[4] = 2;
        var ex = Assert.Throws<InvalidDataException>(() => ChunkFile.Read(data));
        Assert.Contains("version 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("supports 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Flipped_byte_in_a_block_fails_its_checksum_on_decode(ChunkEncoding encoding)
    {
        var blocks = MakeBlocks(encoding, 2, 20);
        var data = ChunkFile.Write(Labels, blocks);
        var secondBlockStart = 8 + blocks[0].Compressed.Length;
        data[secondBlockStart + (blocks[1].Compressed.Length / 2)] ^= 0x01;

        var contents = ChunkFile.Read(data); // the metadata is intact
        using (contents.Blocks[0].Decode())
        {
        }

        var ex = Assert.Throws<InvalidDataException>(() => contents.Blocks[1].Decode());
        Assert.Contains("checksum mismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flipped_byte_in_metadata_is_refused()
    {
        var blocks = MakeBlocks(ChunkEncoding.Zstd, 2, 20);
        var data = ChunkFile.Write(Labels, blocks);
        var metaOffset = (int)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(data.Length - 16));
        for (var i = metaOffset; i < data.Length - 16; i++)
        {
            var copy = (byte[])data.Clone();
            copy[i] ^= 0x40;
            var ex = Assert.Throws<InvalidDataException>(() => ChunkFile.Read(copy));
            Assert.Contains("metadata checksum mismatch", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Truncated_chunk_is_refused_at_every_length()
    {
        var data = ChunkFile.Write(Labels, MakeBlocks(ChunkEncoding.Lz4, 2, 5));
        for (var length = 0; length < data.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => ChunkFile.Read(data.AsSpan(0, length).ToArray()));
        }
    }

    [Fact]
    public void Footer_pointing_outside_the_chunk_is_refused()
    {
        var data = ChunkFile.Write(Labels, MakeBlocks(ChunkEncoding.Zstd, 1, 5));
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(data.Length - 16), (ulong)data.Length);
        var ex = Assert.Throws<InvalidDataException>(() => ChunkFile.Read(data));
        Assert.Contains("outside", ex.Message, StringComparison.Ordinal);
    }

    internal static List<SealedBlock> MakeBlocks(ChunkEncoding encoding, int blockCount, int perBlock)
    {
        var blocks = new List<SealedBlock>();
        for (var b = 0; b < blockCount; b++)
        {
            var head = new HeadBlock();
            for (var i = 0; i < perBlock; i++)
            {
                head.Append((b * 1_000_000L) + i - 500_000, Encoding.UTF8.GetBytes($"block {b} line {i} " + new string('z', i % 7)), i % 3 == 0 ? [new("i", i.ToString(System.Globalization.CultureInfo.InvariantCulture))] : null);
            }

            blocks.Add(head.Seal(encoding));
        }

        return blocks;
    }
}
