using System.Text;
using Runestone.Storage.Chunks;
using Runestone.Storage.Head;
using Xunit;

namespace Runestone.Storage.Tests;

public sealed class BlockDedupeTests
{
    public static TheoryData<ChunkEncoding> Encodings => new() { ChunkEncoding.ZstdTemplates, ChunkEncoding.Zstd, ChunkEncoding.None };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Late_entries_that_repeat_nothing_never_decode_the_block(ChunkEncoding encoding)
    {
        var block = Seal(encoding, 2500);
        var dedupe = block.Dedupe!;
        ulong? hash = null;
        for (var i = 0; i < 2500; i++)
        {
            // Between two stored timestamps (a batch that lost the race to a later one).
            hash = null;
            Assert.False(dedupe.Holds(block, Ts(i) + 3, Encoding.UTF8.GetBytes(Line(i)), ref hash));
        }

        Assert.False(dedupe.HasEntryKeys);
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void A_repeated_entry_is_found_and_the_same_time_with_another_line_is_not(ChunkEncoding encoding)
    {
        var block = Seal(encoding, 500);
        var dedupe = block.Dedupe!;
        ulong? hash = null;
        Assert.False(dedupe.Holds(block, Ts(42), "another line"u8, ref hash));
        Assert.True(dedupe.HasEntryKeys);
        for (var i = 0; i < 500; i++)
        {
            hash = null;
            Assert.True(dedupe.Holds(block, Ts(i), Encoding.UTF8.GetBytes(Line(i)), ref hash));
        }

        hash = null;
        Assert.False(dedupe.Holds(block, Ts(43), Encoding.UTF8.GetBytes(Line(42)), ref hash));
    }

    private static SealedBlock Seal(ChunkEncoding encoding, int entries)
    {
        var head = new HeadBlock();
        for (var i = 0; i < entries; i++)
        {
            Assert.True(head.Append(Ts(i), Encoding.UTF8.GetBytes(Line(i)), null));
        }

        return head.Seal(encoding);
    }

    private static long Ts(int i) => 1_700_000_000_000_000_000L + (i * 1_000L);

    private static string Line(int i) => $"level=info ts=2023-11-14T22:13:{i % 60:00}.{i % 1000:000}Z msg=\"request {i}\" status={200 + (i % 5)}";
}
