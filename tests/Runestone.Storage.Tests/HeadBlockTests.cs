using System.Text;
using Runestone.Storage.Chunks;
using Runestone.Storage.Head;
using Xunit;

namespace Runestone.Storage.Tests;

public sealed class HeadBlockTests
{
    public static TheoryData<string, (long Ts, string Line)[], bool[]> DuplicateCases => new()
    {
        { "exact duplicate of last", [(1, "a"), (1, "a")], [true, false] },
        { "same ts, other line", [(1, "a"), (1, "b")], [true, true] },
        { "same line, other ts", [(1, "a"), (2, "a")], [true, true] },
        { "duplicate of an earlier entry in the head (retried push)", [(1, "a"), (2, "b"), (1, "a")], [true, true, false] },
        { "retried batch after newer data", [(1, "a"), (2, "b"), (3, "c"), (1, "a"), (2, "b"), (3, "c")], [true, true, true, false, false, false] },
        { "earlier timestamp, new line", [(5, "a"), (3, "a"), (3, "b"), (3, "a")], [true, true, true, false] },
        { "empty line duplicate", [(4, "x"), (5, ""), (5, "")], [true, true, false] },
    };

    [Theory]
    [MemberData(nameof(DuplicateCases))]
    public void Exact_duplicate_of_an_entry_in_the_head_is_rejected(string name, (long Ts, string Line)[] entries, bool[] accepted)
    {
        _ = name;
        var head = new HeadBlock();
        for (var i = 0; i < entries.Length; i++)
        {
            Assert.Equal(accepted[i], head.Append(entries[i].Ts, Encoding.UTF8.GetBytes(entries[i].Line), null));
        }

        Assert.Equal(accepted.Count(a => a), head.Count);
    }

    [Fact]
    public void Out_of_order_entries_seal_sorted_with_arrival_order_on_ties()
    {
        var head = new HeadBlock();
        (long, string)[] input = [(30, "c"), (10, "a1"), (20, "b"), (10, "a2"), (-5, "neg"), (10, "a3")];
        foreach (var (ts, line) in input)
        {
            Assert.True(head.Append(ts, Encoding.UTF8.GetBytes(line), null));
        }

        Assert.False(head.IsSorted);
        Assert.Equal(-5, head.MinTs);
        Assert.Equal(30, head.MaxTs);

        var snapshot = head.Snapshot();
        var order = snapshot.SortedOrder();
        Assert.Equal(["neg", "a1", "a2", "a3", "b", "c"], order.Select(i => Encoding.UTF8.GetString(snapshot.Line(in snapshot.Entry(i)))));

        using var block = head.Seal(ChunkEncoding.Lz4).Decode();
        Assert.Equal([-5L, 10, 10, 10, 20, 30], block.Timestamps.ToArray());
        Assert.Equal(["neg", "a1", "a2", "a3", "b", "c"], Enumerable.Range(0, block.Count).Select(i => Encoding.UTF8.GetString(block.Line(i))));
    }

    [Fact]
    public void Snapshot_is_not_affected_by_later_appends()
    {
        var head = new HeadBlock();
        head.Append(1, "one"u8, null);
        var snapshot = head.Snapshot();
        for (var i = 0; i < 5000; i++)
        {
            head.Append(2 + i, Encoding.UTF8.GetBytes(new string('x', 100)), null); // forces new pages and a larger entry array
        }

        Assert.Equal(1, snapshot.Count);
        Assert.Equal("one", Encoding.UTF8.GetString(snapshot.Line(in snapshot.Entry(0))));
        Assert.Equal(5001, head.Count);
    }
}
