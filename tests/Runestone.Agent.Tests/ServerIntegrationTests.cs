using System.Globalization;
using System.Net;
using System.Text.Json;
using Runestone.Agent.Config;
using Runestone.Server;
using Xunit;

namespace Runestone.Agent.Tests;

/// <summary>The agent shipping into the real Runestone server on loopback, checked through query_range.</summary>
public sealed class ServerIntegrationTests
{
    private sealed class Server : IAsyncDisposable
    {
        private RunestoneServer _server;

        private Server(RunestoneServer server) => _server = server;

        public Uri BaseAddress => _server.BaseAddress;

        public static async Task<Server> StartAsync(string dataDir, int port)
        {
            var s = new Server(await StartServerAsync(dataDir, port));
            return s;
        }

        public async Task StopAsync() => await _server.DisposeAsync();

        public async Task RestartAsync(string dataDir) => _server = await StartServerAsync(dataDir, BaseAddress.Port);

        private static async Task<RunestoneServer> StartServerAsync(string dataDir, int port)
        {
            var yaml = $"""
                auth_enabled: false
                server:
                  http_listen_address: 127.0.0.1
                  http_listen_port: {port}
                common:
                  path_prefix: {dataDir}
                """;
            var loaded = Runestone.Server.Configuration.ConfigLoader.Load(yaml, "test.yaml", false, _ => null);
            var server = new RunestoneServer(loaded.Options);
            await server.StartAsync();
            await server.Ready;
            return server;
        }

        public async ValueTask DisposeAsync() => await _server.DisposeAsync();
    }

    private sealed record Row(string Labels, long Ts, string Line);

    private static async Task<List<Row>> QueryAsync(Uri baseAddress, string selector)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        var end = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000;
        var start = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds() * 1_000_000;
        var url = $"loki/api/v1/query_range?query={Uri.EscapeDataString(selector)}&limit=5000&direction=forward&start={start}&end={end}";
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"query_range answered {(int)response.StatusCode}: {json}");
        using var doc = JsonDocument.Parse(json);
        var rows = new List<Row>();
        foreach (var stream in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = string.Join(",", stream.GetProperty("stream").EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value.GetString()}"));
            foreach (var v in stream.GetProperty("values").EnumerateArray())
            {
                rows.Add(new Row(labels, long.Parse(v[0].GetString()!, CultureInfo.InvariantCulture), v[1].GetString()!));
            }
        }

        return rows;
    }

    private static async Task<List<Row>> WaitForAsync(Uri baseAddress, string selector, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<Row> rows = [];
        while (DateTime.UtcNow < deadline)
        {
            rows = await QueryAsync(baseAddress, selector);
            if (rows.Count >= count)
            {
                return rows;
            }

            await Task.Delay(100);
        }

        return rows;
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string Cri(DateTimeOffset t, string stream, string flag, string text) =>
        $"{t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture)}00Z {stream} {flag} {text}\n";

    private static AgentRuntime Agent(string dir, Uri server, string glob)
    {
        var yaml = $$"""
            server:
              disable: true
            positions:
              filename: {{dir}}/positions.yaml
            clients:
              - url: {{server}}loki/api/v1/push
                batchwait: 50ms
                backoff_config:
                  min_period: 20ms
                  max_period: 100ms
                  max_retries: 100000
            target_config:
              sync_period: 200ms
            scrape_configs:
              - job_name: pods
                pipeline_stages:
                  - cri: {}
                  - regex:
                      expression: '^level=(?P<level>\w+) seq=(?P<seq>\d+)'
                  - labels:
                      level:
                static_configs:
                  - labels:
                      job: pods
                      namespace: default
                      __path__: {{glob}}
            """;
        var loaded = ConfigLoader.Load(yaml, false);
        Assert.Empty(loaded.Errors);
        return new AgentRuntime(loaded.Config, TimeProvider.System, _ => { });
    }

    [Fact]
    public async Task Every_line_arrives_once_with_labels_and_timestamps_through_rotation_restart_and_server_outage()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        await using var server = await Server.StartAsync(data, FreePort());
        var log = dir.File("0.log");
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        var expected = new List<(long Ts, string Line, string Level)>();
        string Write(int from, int to)
        {
            var sb = new System.Text.StringBuilder();
            for (var i = from; i < to; i++)
            {
                var t = t0.AddMilliseconds(i);
                var level = i % 3 == 0 ? "error" : "info";
                var text = $"level={level} seq={i}";
                if (i % 10 == 0)
                {
                    // A CRI partial line: the two halves must arrive as one entry with the first half's time.
                    sb.Append(Cri(t, "stdout", "P", text[..8]));
                    sb.Append(Cri(t.AddTicks(1), "stdout", "F", text[8..]));
                }
                else
                {
                    sb.Append(Cri(t, "stdout", "F", text));
                }

                expected.Add((UnixNanosOf(t), text, level));
            }

            return sb.ToString();
        }

        File.WriteAllText(log, Write(0, 100));
        var agent = Agent(dir.Path, server.BaseAddress, dir.Path + "/*.log");
        await agent.StartAsync(null, default);
        Assert.Equal(100, (await WaitForAsync(server.BaseAddress, "{job=\"pods\"}", 100)).Count);

        // rename + create, then copytruncate
        File.AppendAllText(log, Write(100, 150));
        File.Move(log, dir.File("0.log.1"));
        File.WriteAllText(log, Write(150, 200));
        Assert.Equal(200, (await WaitForAsync(server.BaseAddress, "{job=\"pods\"}", 200)).Count);
        File.Copy(log, dir.File("0.log.2"));
        using (var fs = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            fs.SetLength(0);
        }

        await Task.Delay(300);
        File.AppendAllText(log, Write(200, 250));
        Assert.Equal(250, (await WaitForAsync(server.BaseAddress, "{job=\"pods\"}", 250)).Count);

        // agent restart in the middle of a burst
        File.AppendAllText(log, Write(250, 300));
        await agent.DisposeAsync();
        agent = Agent(dir.Path, server.BaseAddress, dir.Path + "/*.log");
        await agent.StartAsync(null, default);
        Assert.Equal(300, (await WaitForAsync(server.BaseAddress, "{job=\"pods\"}", 300)).Count);

        // server down: the agent waits; server up: everything arrives
        await server.StopAsync();
        File.AppendAllText(log, Write(300, 400));
        await Task.Delay(500);
        await server.RestartAsync(data);
        var rows = await WaitForAsync(server.BaseAddress, "{job=\"pods\"}", 400);
        await Task.Delay(300);
        rows = await QueryAsync(server.BaseAddress, "{job=\"pods\"}");
        await agent.DisposeAsync();

        Assert.Equal(400, rows.Count);
        Assert.Equal(400, rows.Select(r => r.Line).Distinct().Count());
        foreach (var (ts, line, level) in expected)
        {
            var row = Assert.Single(rows, r => r.Line == line);
            Assert.Equal(ts, row.Ts);
            Assert.Equal($"filename={log},job=pods,level={level},namespace=default,stream=stdout", row.Labels);
        }

        // The LogQL side sees the labels the pipeline set.
        Assert.Equal(expected.Count(e => e.Level == "error"), (await QueryAsync(server.BaseAddress, "{job=\"pods\", level=\"error\"}")).Count);
    }

    [Fact]
    public async Task Journal_entries_arrive_in_the_server_with_relabeled_journal_labels_once_across_a_restart()
    {
        using var dir = new TempDir();
        await using var server = await Server.StartAsync(dir.File("data"), FreePort());
        var journalDir = Directory.CreateDirectory(dir.File("journal")).FullName;
        var file = Path.Combine(journalDir, "system.journal");
        var t = DateTimeOffset.UtcNow.AddMinutes(-30);
        JournalFiles.Entry Entry(int i) => new(t.AddSeconds(i), ("MESSAGE", $"event {i}"), ("PRIORITY", i % 2 == 0 ? "3" : "6"), ("_SYSTEMD_UNIT", "app.service"), ("_HOSTNAME", "node-7"));
        JournalFiles.Append(file, [.. Enumerable.Range(0, 5).Select(Entry)]);
        var yaml = $"""
            server:
              disable: true
            positions:
              filename: {dir.File("positions.yaml")}
            clients:
              - url: {server.BaseAddress}loki/api/v1/push
                batchwait: 50ms
            scrape_configs:
              - job_name: journal
                journal:
                  path: {journalDir}
                  labels:
                    job: systemd-journal
                relabel_configs:
                  - source_labels: [__journal__systemd_unit]
                    target_label: unit
                  - source_labels: [__journal_priority_keyword]
                    target_label: level
                  - source_labels: [__journal__hostname]
                    target_label: host
            """;
        AgentRuntime NewAgent()
        {
            var loaded = ConfigLoader.Load(yaml, false);
            Assert.Empty(loaded.Errors);
            return new AgentRuntime(loaded.Config, TimeProvider.System, _ => { });
        }

        var agent = NewAgent();
        await agent.StartAsync(null, default);
        Assert.Equal(5, (await WaitForAsync(server.BaseAddress, "{job=\"systemd-journal\"}", 5)).Count);
        await agent.DisposeAsync();

        JournalFiles.Append(file, [.. Enumerable.Range(5, 5).Select(Entry)]);
        agent = NewAgent();
        await agent.StartAsync(null, default);
        await WaitForAsync(server.BaseAddress, "{job=\"systemd-journal\"}", 10);
        await Task.Delay(300);
        var rows = await QueryAsync(server.BaseAddress, "{job=\"systemd-journal\"}");
        await agent.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"event {i}"), rows.OrderBy(r => r.Ts).Select(r => r.Line));
        foreach (var row in rows)
        {
            var i = int.Parse(row.Line["event ".Length..], CultureInfo.InvariantCulture);
            Assert.Equal(UnixNanosOf(t.AddSeconds(i)) / 1000 * 1000, row.Ts);
            Assert.Equal($"host=node-7,job=systemd-journal,level={(i % 2 == 0 ? "error" : "info")},unit=app.service", row.Labels);
        }

        Assert.Equal(5, (await QueryAsync(server.BaseAddress, "{job=\"systemd-journal\", level=\"error\"}")).Count);
    }

    private static long UnixNanosOf(DateTimeOffset t) => (t.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
}
