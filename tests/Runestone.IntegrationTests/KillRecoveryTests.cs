using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit;
using Xunit.Abstractions;

namespace Runestone.IntegrationTests;

/// <summary>
/// kill -9 in the middle of concurrent pushes, restart on the same directory: every acknowledged
/// line is there exactly once (and no line at all is there twice).
/// </summary>
public sealed class KillRecoveryTests(ITestOutputHelper output)
{
    private const string Tenant = "tenant-k";
    private const int Pushers = 4;
    private const int LinesPerBatch = 20;
    private const int MaxBatchesPerPusher = 1500;
    private const long Day = 86_400_000_000_000L;

    [Fact]
    public Task Every_acknowledged_line_survives_kill_9_exactly_once_across_rounds() => RunAsync(outOfOrder: false);

    /// <summary>
    /// All pushers share two streams and send entries up to three days late, interleaved: late
    /// entries go to their own head blocks and chunks, and must survive the kill like the rest.
    /// </summary>
    [Fact]
    public Task Out_of_order_entries_in_shared_streams_survive_kill_9_exactly_once() => RunAsync(outOfOrder: true);

    private async Task RunAsync(bool outOfOrder)
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "data");
        var config = Path.Combine(dir.Path, "runestone.yaml");
        // Rates high enough that no push is refused for them; WAL fsync left at the safe default.
        await File.WriteAllTextAsync(config, """
            limits_config:
              ingestion_rate_mb: 1024
              ingestion_burst_size_mb: 1024
              per_stream_rate_limit: 1GB
              per_stream_rate_limit_burst: 1GB
            """);
        var t0 = Loki.NowNs() - 3_600_000_000_000L;
        long sequence = 0;
        var acked = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();

        // Round 0: kill while pushing, nothing flushed yet (everything comes from the WAL).
        // Round 1: flush first, then push and kill (chunks plus the WAL after the flush).
        // Round 2: a flush runs while pushes go on, and the kill lands right after it.
        for (var round = 0; round < 3; round++)
        {
            await using (var child = await ChildServer.StartAsync(data, config))
            {
                await AssertExactlyOnceAsync(child.Loki, acked, t0, outOfOrder);
                if (round == 1)
                {
                    using var flush = await child.Http.PostAsync("flush", null);
                    Assert.Equal(HttpStatusCode.NoContent, flush.StatusCode);
                }

                await PushAndKillAsync(child, round, t0, acked, flushMidway: round == 2, outOfOrder, () => Interlocked.Increment(ref sequence));
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), "the kill test is taking too long: " + watch.Elapsed);
        }

        // Kill again while the WAL is being replayed (the port opens before replay ends).
        await using (var replaying = await ChildServer.StartAsync(data, config, waitReady: false))
        {
            replaying.KillHard();
        }

        await using (var last = await ChildServer.StartAsync(data, config))
        {
            await AssertExactlyOnceAsync(last.Loki, acked, t0, outOfOrder);
        }

        Assert.True(acked.Count >= 3 * Pushers * LinesPerBatch, $"too few acknowledged lines to mean anything: {acked.Count}");
    }

    private async Task PushAndKillAsync(ChildServer child, int round, long t0, ConcurrentDictionary<string, long> acked, bool flushMidway, bool outOfOrder, Func<long> next)
    {
        using var stop = new CancellationTokenSource();
        var ackedThisRound = 0;
        var pushers = Enumerable.Range(0, Pushers).Select(p => Task.Run(async () =>
        {
            for (var batch = 0; batch < MaxBatchesPerPusher && !stop.IsCancellationRequested; batch++)
            {
                var entries = new (long, string)[LinesPerBatch];
                for (var i = 0; i < LinesPerBatch; i++)
                {
                    var seq = next();
                    // In order: each pusher's own stream only grows. Out of order: up to three days late, unique per stream.
                    var ts = outOfOrder ? t0 - (seq % 4 * Day) + (seq * 1000) : t0 + (seq * 1000);
                    entries[i] = (ts, string.Create(CultureInfo.InvariantCulture, $"r{round}-p{p}-b{batch}-l{i}"));
                }

                try
                {
                    using var response = await child.Loki.PushProtobufAsync(Tenant, Loki.Stream(StreamOf(outOfOrder, outOfOrder ? batch % 2 : p), entries));
                    if (response.StatusCode == HttpStatusCode.NoContent)
                    {
                        foreach (var (ts, line) in entries)
                        {
                            acked[line] = ts;
                        }

                        Interlocked.Add(ref ackedThisRound, LinesPerBatch);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    return; // the server is gone
                }
            }
        })).ToList();

        // Let acknowledgements accumulate, then kill mid-stream (bounded wait).
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref ackedThisRound) < 4000 && deadline.Elapsed < TimeSpan.FromSeconds(8) && !pushers.All(t => t.IsCompleted))
        {
            await Task.Delay(20);
        }

        if (flushMidway)
        {
            using var flush = await child.Http.PostAsync("flush", null);
            Assert.Equal(HttpStatusCode.NoContent, flush.StatusCode);
            await Task.Delay(30);
        }

        Assert.False(pushers.All(t => t.IsCompleted), "the pushers finished before the kill; the kill would not land mid-stream");
        child.KillHard();
        await stop.CancelAsync();
        await Task.WhenAll(pushers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(ackedThisRound > 0, $"round {round}: nothing was acknowledged before the kill");
        output.WriteLine($"round {round}: {ackedThisRound} lines acknowledged before kill -9");
    }

    private static string StreamOf(bool outOfOrder, int index) =>
        outOfOrder ? $"{{job=\"kill-ooo\", shard=\"{index}\"}}" : $"{{job=\"kill\", pusher=\"{index}\"}}";

    private static async Task AssertExactlyOnceAsync(Loki loki, ConcurrentDictionary<string, long> acked, long t0, bool outOfOrder)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var end = t0 + 3_600_000_000_000L;
        for (var p = 0; p < (outOfOrder ? 2 : Pushers); p++)
        {
            var start = outOfOrder ? t0 - (4 * Day) : t0;
            for (var page = 0; page < 200; page++)
            {
                var lines = await loki.QueryRangeAsync(Tenant, StreamOf(outOfOrder, p), start, end, limit: 5000, direction: "forward");
                foreach (var line in lines)
                {
                    seen[line.Line] = seen.GetValueOrDefault(line.Line) + 1;
                }

                if (lines.Count < 5000)
                {
                    break;
                }

                start = lines[^1].TimestampNs + 1;
            }
        }

        var duplicated = seen.Where(kv => kv.Value > 1).Select(kv => kv.Key).Take(5).ToList();
        Assert.True(duplicated.Count == 0, "lines stored more than once: " + string.Join(", ", duplicated));
        var missing = acked.Keys.Where(line => !seen.ContainsKey(line)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged lines lost, e.g. " + string.Join(", ", missing.Take(5)));
        Assert.True(seen.Count >= acked.Count);
    }
}
