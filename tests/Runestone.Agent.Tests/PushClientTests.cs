using Microsoft.Extensions.Time.Testing;
using Runestone.Agent.Config;
using Runestone.Agent.Metrics;
using Runestone.Agent.Shipping;
using Runestone.Core.Labels;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class PushClientTests
{
    private static ShipEntry E(string line, string app = "a", string tenant = "", long ts = 1) =>
        new(LabelSet.Of(("app", app)), tenant, ts, line, null);

    private static ClientConfig Cfg(string url) => new()
    {
        Url = url,
        BatchWait = TimeSpan.FromMilliseconds(50),
        BackoffMin = TimeSpan.FromMilliseconds(10),
        BackoffMax = TimeSpan.FromMilliseconds(40),
        MaxRetries = 3,
    };

    [Fact]
    public async Task Sends_batches_grouped_by_stream_and_tenant()
    {
        await using var server = await FakePushServer.StartAsync();
        var metrics = new AgentMetrics();
        var cfg = Cfg(server.Url);
        cfg.TenantId = "default-tenant";
        cfg.ExternalLabels["cluster"] = "c1";
        await using (var client = new PushClient(cfg, 0, metrics, TimeProvider.System, _ => { }))
        {
            client.Start();
            await client.SendAsync(E("one", ts: 10), default);
            await client.SendAsync(E("two", app: "b", ts: 11), default);
            await client.SendAsync(E("three", tenant: "t2", ts: 12), default);
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 3));
        }

        var got = server.Entries.ToList();
        Assert.Contains(new FakePushServer.Received("{app=\"a\", cluster=\"c1\"}", 10, "one", "default-tenant"), got);
        Assert.Contains(new FakePushServer.Received("{app=\"b\", cluster=\"c1\"}", 11, "two", "default-tenant"), got);
        Assert.Contains(new FakePushServer.Received("{app=\"a\", cluster=\"c1\"}", 12, "three", "t2"), got);
        Assert.Equal(3, metrics.SentEntries.WithLabels(new Uri(server.Url).Authority).Value);
    }

    [Fact]
    public async Task Batchsize_splits_batches()
    {
        await using var server = await FakePushServer.StartAsync();
        var cfg = Cfg(server.Url);
        cfg.BatchSize = 10;
        cfg.BatchWait = TimeSpan.FromSeconds(30);
        var client = new PushClient(cfg, 0, new AgentMetrics(), TimeProvider.System, _ => { });
        client.Start();
        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync(E("12345678"), default);
        }

        // Each entry fills a batch; the first four are sent when the next one does not fit.
        Assert.True(await server.WaitForAsync(s => s.Entries.Count == 4));
        await client.DisposeAsync();
        Assert.Equal(5, server.Entries.Count);
        Assert.Equal(5, server.Requests);
    }

    [Fact]
    public async Task Reused_batches_carry_exactly_their_own_entries_and_acknowledge_each_once()
    {
        // Small batches over three streams, so sent batches (buffer, stream lists) are reused many
        // times; one line is longer than a batch buffer and makes it grow.
        await using var server = await FakePushServer.StartAsync();
        var cfg = Cfg(server.Url);
        cfg.BatchSize = 64;
        cfg.BatchWait = TimeSpan.FromSeconds(30);
        var ack = new RecordingAck();
        var sent = new List<FakePushServer.Received>();
        await using (var client = new PushClient(cfg, 0, new AgentMetrics(), TimeProvider.System, _ => { }))
        {
            client.Start();
            for (var i = 0; i < 200; i++)
            {
                var app = "s" + (i % 3);
                var line = i == 77 ? "long-" + new string('x', 300) : $"line-{i}-é";
                await client.SendAsync(E(line, app, ts: 1000 + i) with { Source = ack, Offset = i }, default);
                sent.Add(new FakePushServer.Received($"{{app=\"{app}\"}}", 1000 + i, line, ""));
            }
        }

        Assert.Equal(sent, server.Entries.OrderBy(e => e.TimestampNs).ToList());
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (0, 0L, (long)i)), ack.Commits.OrderBy(c => c.Item3));
    }

    [Fact]
    public async Task Batchwait_flushes_on_the_injected_clock()
    {
        await using var server = await FakePushServer.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var cfg = Cfg(server.Url);
        cfg.BatchWait = TimeSpan.FromSeconds(5);
        await using var client = new PushClient(cfg, 0, new AgentMetrics(), clock, _ => { });
        client.Start();
        await client.SendAsync(E("x"), default);
        await Task.Delay(200);
        Assert.Empty(server.Entries);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await server.WaitForAsync(s => s.Entries.Count == 1));
    }

    [Fact]
    public async Task Retries_429_and_5xx_then_succeeds_and_acknowledges()
    {
        await using var server = await FakePushServer.StartAsync();
        server.FailWith.Enqueue(500);
        server.FailWith.Enqueue(429);
        var metrics = new AgentMetrics();
        var ack = new RecordingAck();
        await using (var client = new PushClient(Cfg(server.Url), 0, metrics, TimeProvider.System, _ => { }))
        {
            client.Start();
            await client.SendAsync(E("x") with { Source = ack, Generation = 1, Offset = 42 }, default);
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 1));
        }

        Assert.Equal(3, server.Requests);
        Assert.Equal(2, metrics.BatchRetries.WithLabels(new Uri(server.Url).Authority).Value);
        Assert.Equal([(0, 1L, 42L)], ack.Commits);
    }

    [Fact]
    public async Task Drops_on_other_4xx_without_retrying()
    {
        await using var server = await FakePushServer.StartAsync();
        server.FailWith.Enqueue(400);
        var metrics = new AgentMetrics();
        var logs = new List<string>();
        await using (var client = new PushClient(Cfg(server.Url), 0, metrics, TimeProvider.System, logs.Add))
        {
            client.Start();
            await client.SendAsync(E("bad"), default);
            Assert.True(await server.WaitForAsync(s => s.Requests == 1));
            await Task.Delay(100);
        }

        Assert.Equal(1, server.Requests);
        Assert.Equal(1, metrics.DroppedEntries.WithLabels(new Uri(server.Url).Authority, "ingester_error").Value);
        Assert.Contains(logs, l => l.Contains("status 400", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Full_channel_blocks_the_sender_while_the_server_is_down()
    {
        await using var server = await FakePushServer.StartAsync();
        server.Down = true;
        var cfg = Cfg(server.Url);
        cfg.MaxRetries = 1000;
        cfg.BatchSize = 1;
        await using var client = new PushClient(cfg, 0, new AgentMetrics(), TimeProvider.System, _ => { }, capacity: 4 * 128);
        client.Start();
        var sent = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            for (var i = 0; i < 100; i++)
            {
                await client.SendAsync(E("x" + i), cts.Token);
                sent++;
            }
        }
        catch (OperationCanceledException)
        {
        }

        // four single-entry chunks in the channel + the batch being retried + two queued batches + the batch being filled
        Assert.InRange(sent, 4, 9);
        server.Down = false;
        Assert.True(await server.WaitForAsync(s => s.Entries.Count == sent));
    }

    private sealed class RecordingAck : ICommittable
    {
        public List<(int, long, long)> Commits { get; } = [];

        public void Commit(int clientIndex, long generation, long offset)
        {
            lock (Commits)
            {
                Commits.Add((clientIndex, generation, offset));
            }
        }
    }
}
