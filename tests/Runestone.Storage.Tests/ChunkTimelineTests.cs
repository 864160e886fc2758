using Runestone.Storage.Engine;
using Runestone.Storage.Index;
using Xunit;

namespace Runestone.Storage.Tests;

public sealed class ChunkTimelineTests
{
    [Fact]
    public void Covering_finds_exactly_the_chunks_whose_range_holds_the_timestamp()
    {
        var random = new Random(7);
        var timeline = new ChunkTimeline();
        var chunks = new List<ChunkRef>();
        for (var i = 0; i < 300; i++)
        {
            // Mostly consecutive ranges (the main lane) with some wide late ones across them.
            var start = i % 10 == 0 ? random.Next(0, 30_000) : i * 100L;
            var end = start + (i % 10 == 0 ? random.Next(0, 5_000) : random.Next(0, 150));
            var chunk = new ChunkRef($"c{i}", 1, start, end, 1, 1, 1, i);
            chunks.Add(chunk);
            timeline.Add(chunk);
            if (i % 50 == 49)
            {
                AssertMatchesBruteForce(timeline, chunks, random);
            }
        }

        Assert.Equal(chunks.Max(c => c.MaxTs), timeline.MaxTs);
    }

    [Fact]
    public void An_empty_timeline_covers_nothing()
    {
        var result = new List<ChunkRef>();
        new ChunkTimeline().Covering(5, result);
        Assert.Empty(result);
    }

    private static void AssertMatchesBruteForce(ChunkTimeline timeline, List<ChunkRef> chunks, Random random)
    {
        var result = new List<ChunkRef>();
        for (var probe = 0; probe < 500; probe++)
        {
            long ts = random.Next(-10, 36_000);
            result.Clear();
            timeline.Covering(ts, result);
            var expected = chunks.Where(c => c.MinTs <= ts && ts <= c.MaxTs).Select(c => c.Key).Order().ToList();
            Assert.Equal(expected, result.Select(c => c.Key).Order().ToList());
        }
    }
}
