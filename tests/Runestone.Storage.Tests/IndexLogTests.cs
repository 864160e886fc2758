using Runestone.Storage.Index;
using Xunit;

namespace Runestone.Storage.Tests;

public sealed class IndexLogTests
{
    private static readonly long s_day = IndexLog.PeriodNanos;

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(86_399_999_999_999L, 0L)]
    [InlineData(86_400_000_000_000L, 1L)]
    [InlineData(-1L, -1L)]
    [InlineData(-86_400_000_000_000L, -1L)]
    [InlineData(-86_400_000_000_001L, -2L)]
    public void Period_is_floor_of_24h(long timestamp, long period) => Assert.Equal(period, IndexLog.PeriodOf(timestamp));

    [Fact]
    public void Appended_records_load_back_per_tenant()
    {
        using var dir = new TempDirectory();
        var index = new IndexLog(dir.Path);
        var a1 = new ChunkRef("t1/aa/1", 0xAA, 10, 20, 100, 400, 3, 12345);
        var a2 = new ChunkRef("t1/aa/2", 0xAA, 30, 40, 101, 401, 4, 12346);
        var b1 = new ChunkRef("t2/bb/1", 0xBB, -50, -40, 7, 8, 1, -1);
        index.Append("t1", "{app=\"a\"}", [a1, a2]);
        index.Append("t2", "{app=\"b\"}", [b1]);

        var loaded = Load(dir.Path, out var warnings);
        Assert.Empty(warnings);
        Assert.Equal(
            [("t1", "{app=\"a\"}", a1), ("t1", "{app=\"a\"}", a2), ("t2", "{app=\"b\"}", b1)],
            loaded.OrderBy(l => l.Chunk.Key, StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(dir.Path, "t1", "0.idx")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "t2", "-1.idx")));
    }

    [Fact]
    public void Chunk_spanning_two_periods_is_written_to_both_and_loaded_once()
    {
        using var dir = new TempDirectory();
        var index = new IndexLog(dir.Path);
        var chunk = new ChunkRef("t/fp/span", 1, s_day - 10, s_day + 10, 1, 1, 2, 99);
        index.Append("t", "{a=\"1\"}", [chunk]);

        Assert.True(File.Exists(Path.Combine(dir.Path, "t", "0.idx")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "t", "1.idx")));
        var loaded = Load(dir.Path, out var warnings);
        Assert.Empty(warnings);
        Assert.Equal(chunk, Assert.Single(loaded).Chunk);
    }

    [Fact]
    public void Torn_tail_record_is_truncated_with_a_warning()
    {
        using var dir = new TempDirectory();
        var index = new IndexLog(dir.Path);
        var first = new ChunkRef("t/fp/1", 1, 1, 2, 1, 1, 1, 5);
        index.Append("t", "{a=\"1\"}", [first]);
        var path = Path.Combine(dir.Path, "t", "0.idx");
        var intactLength = new FileInfo(path).Length;
        index.Append("t", "{a=\"1\"}", [new ChunkRef("t/fp/2", 1, 3, 4, 1, 1, 1, 6)]);
        var full = File.ReadAllBytes(path);

        for (var cut = intactLength + 1; cut < full.Length; cut++)
        {
            File.WriteAllBytes(path, full.AsSpan(0, (int)cut).ToArray());
            var loaded = Load(dir.Path, out var warnings);
            Assert.Equal(first, Assert.Single(loaded).Chunk);
            Assert.Contains("torn record", Assert.Single(warnings), StringComparison.Ordinal);
            Assert.Equal(intactLength, new FileInfo(path).Length);
        }
    }

    [Fact]
    public void Appending_after_a_repaired_tail_is_readable()
    {
        using var dir = new TempDirectory();
        var index = new IndexLog(dir.Path);
        index.Append("t", "{a=\"1\"}", [new ChunkRef("t/fp/1", 1, 1, 2, 1, 1, 1, 5)]);
        var path = Path.Combine(dir.Path, "t", "0.idx");
        File.AppendAllText(path, "xyz"); // a torn write
        Load(dir.Path, out _);
        index.Append("t", "{a=\"1\"}", [new ChunkRef("t/fp/2", 1, 3, 4, 1, 1, 1, 6)]);

        var loaded = Load(dir.Path, out var warnings);
        Assert.Empty(warnings);
        Assert.Equal(["t/fp/1", "t/fp/2"], loaded.Select(l => l.Chunk.Key));
    }

    private static List<(string Tenant, string Labels, ChunkRef Chunk)> Load(string root, out List<string> warnings)
    {
        var index = new IndexLog(root);
        var result = new List<(string, string, ChunkRef)>();
        index.Load((tenant, labels, chunk) => result.Add((tenant, labels, chunk)));
        warnings = index.Warnings;
        return result;
    }
}
