using Runestone.Agent.Config;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class MultiClientTests
{
    [Fact]
    public async Task Positions_advance_only_when_every_client_confirmed()
    {
        using var dir = new TempDir();
        var log = dir.File("app.log");
        File.WriteAllText(log, "a\nb\nc\n");
        await using var up = await FakePushServer.StartAsync();
        await using var down = await FakePushServer.StartAsync();
        down.Down = true;
        var yaml = $$"""
            server:
              disable: true
            positions:
              filename: {{dir.File("positions.yaml")}}
            clients:
              - url: {{up.Url}}
                batchwait: 20ms
              - url: {{down.Url}}
                batchwait: 20ms
                backoff_config:
                  min_period: 10ms
                  max_period: 20ms
                  max_retries: 100000
            scrape_configs:
              - job_name: f
                static_configs:
                  - labels:
                      job: f
                      __path__: {{log}}
            """;
        var loaded = ConfigLoader.Load(yaml, false);
        Assert.Empty(loaded.Errors);
        await using var runtime = new AgentRuntime(loaded.Config, TimeProvider.System, _ => { });
        await runtime.StartAsync(null, default);
        Assert.True(await up.WaitForAsync(s => s.Entries.Count == 3));
        await Task.Delay(200);
        var positions = runtime.Positions!;
        Assert.Equal(0, positions.Get(log));
        down.Down = false;
        Assert.True(await down.WaitForAsync(s => s.Entries.Count == 3));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (positions.Get(log) != 6 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(6, positions.Get(log));
    }

    [Fact]
    public async Task Readline_rate_limit_drops_over_the_burst()
    {
        using var dir = new TempDir();
        var log = dir.File("app.log");
        File.WriteAllText(log, string.Concat(Enumerable.Range(0, 50).Select(i => $"l{i}\n")));
        await using var server = await FakePushServer.StartAsync();
        var yaml = $$"""
            server:
              disable: true
            positions:
              filename: {{dir.File("positions.yaml")}}
            clients:
              - url: {{server.Url}}
                batchwait: 20ms
            limits_config:
              readline_rate_enabled: true
              readline_rate: 0.001
              readline_burst: 10
              readline_rate_drop: true
            scrape_configs:
              - job_name: f
                static_configs:
                  - labels:
                      job: f
                      __path__: {{log}}
            """;
        var loaded = ConfigLoader.Load(yaml, false);
        Assert.Empty(loaded.Errors);
        await using (var runtime = new AgentRuntime(loaded.Config, TimeProvider.System, _ => { }))
        {
            await runtime.StartAsync(null, default);
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 10));
            await Task.Delay(200);
            Assert.Equal(40, runtime.Metrics.DroppedEntries.WithLabels(string.Empty, "readline_rate_limit").Value);
        }

        Assert.Equal(10, server.Entries.Count);
    }
}
