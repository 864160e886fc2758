using System.Net;
using Runestone.Agent.Config;
using Runestone.Agent.Http;
using Runestone.Protocol.Push;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class AgentRuntimeTests
{
    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [Fact]
    public async Task Runs_a_promtail_config_end_to_end_with_status_endpoints()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("pods/default_web-1_uid-1/web"));
        var log = dir.File("pods/default_web-1_uid-1/web/0.log");
        File.WriteAllText(log, "2024-01-01T00:00:00.000000001Z stdout F GET /index.html 200\n2024-01-01T00:00:01Z stderr F GET /missing 404\n");
        await using var sink = await FakePushServer.StartAsync();
        var httpPort = FreePort();
        var pushPort = FreePort();
        var yaml = $$"""
            server:
              http_listen_address: 127.0.0.1
              http_listen_port: {{httpPort}}
            positions:
              filename: {{dir.File("positions.yaml")}}
            clients:
              - url: {{sink.Url}}
                batchwait: 50ms
            scrape_configs:
              - job_name: pods
                pipeline_stages:
                  - cri: {}
                  - regex:
                      expression: '^(?P<method>\S+) (?P<path>\S+) (?P<status>\d+)$'
                  - labels:
                      method:
                  - metrics:
                      http_requests_total:
                        type: Counter
                        source: status
                        config:
                          action: inc
                static_configs:
                  - targets: [localhost]
                    labels:
                      job: pods
                      namespace: default
                      __path__: {{dir.Path}}/pods/*/*/*.log
              - job_name: push
                loki_push_api:
                  server:
                    http_listen_address: 127.0.0.1
                    http_listen_port: {{pushPort}}
                  labels:
                    pushed: "yes"
            """;
        var loaded = ConfigLoader.Load(yaml, false);
        Assert.Empty(loaded.Errors);
        var logs = new List<string>();
        await using (var runtime = new AgentRuntime(loaded.Config, TimeProvider.System, m => { lock (logs) { logs.Add(m); } }))
        {
            await runtime.StartAsync(null, default);
            await using var http = new AgentHttpServer(runtime);
            await http.StartAsync(default);
            Assert.True(await sink.WaitForAsync(s => s.Entries.Count == 2));

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
            var ready = await client.GetAsync(new Uri("/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Contains("promtail_read_lines_total{path=\"" + log + "\"} 2", metrics, StringComparison.Ordinal);
            Assert.Contains("promtail_sent_entries_total", metrics, StringComparison.Ordinal);
            Assert.Contains("promtail_targets_active_total 2", metrics, StringComparison.Ordinal);
            Assert.Contains("promtail_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
            Assert.Contains("promtail_custom_http_requests_total{filename=", metrics, StringComparison.Ordinal);
            var targets = await client.GetStringAsync(new Uri("/targets", UriKind.Relative));
            Assert.Contains(WebUtility.HtmlEncode(log), targets, StringComparison.Ordinal);
            Assert.Contains("READY", targets, StringComparison.Ordinal);
            var sd = await client.GetStringAsync(new Uri("/service-discovery", UriKind.Relative));
            Assert.Contains("__path__", sd, StringComparison.Ordinal);
            var config = await client.GetStringAsync(new Uri("/config", UriKind.Relative));
            Assert.Contains("job_name: \"pods\"", config, StringComparison.Ordinal);

            // loki_push_api: a JSON push comes out at the sink with the configured label.
            var body = PushEncoder.EncodeJson([new PushStreamData("{app=\"pushed-app\"}", [new PushEntryData(5, "pushed line"u8.ToArray())])]);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            var pushed = await client.PostAsync(new Uri($"http://127.0.0.1:{pushPort}/loki/api/v1/push"), content);
            Assert.Equal(HttpStatusCode.NoContent, pushed.StatusCode);
            Assert.True(await sink.WaitForAsync(s => s.Entries.Count == 3));
        }

        var got = sink.Entries.ToList();
        Assert.Contains(got, e => e.Line == "GET /index.html 200" && e.Labels == $"{{filename=\"{log}\", job=\"pods\", method=\"GET\", namespace=\"default\", stream=\"stdout\"}}" && e.TimestampNs == 1704067200000000001L);
        Assert.Contains(got, e => e.Line == "GET /missing 404" && e.Labels.Contains("stream=\"stderr\"", StringComparison.Ordinal));
        Assert.Contains(got, e => e.Line == "pushed line" && e.Labels == "{app=\"pushed-app\", pushed=\"yes\"}");
        Assert.Contains("\"", File.ReadAllText(dir.File("positions.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dry_run_prints_entries_and_leaves_positions_alone()
    {
        using var dir = new TempDir();
        var log = dir.File("app.log");
        File.WriteAllText(log, "hello\n");
        var yaml = $$"""
            positions:
              filename: {{dir.File("positions.yaml")}}
            scrape_configs:
              - job_name: files
                static_configs:
                  - labels:
                      job: files
                      __path__: {{log}}
            """;
        var loaded = ConfigLoader.Load(yaml, false);
        Assert.Empty(loaded.Errors);
        var output = new StringWriter();
        await using (var runtime = new AgentRuntime(loaded.Config, TimeProvider.System, _ => { }))
        {
            await runtime.StartAsync(output, default);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!output.ToString().Contains("hello", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }

        var line = output.ToString().Trim();
        Assert.EndsWith($"\t{{filename=\"{log}\", job=\"files\"}}\thello", line, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("positions.yaml")));
    }

    [Fact]
    public async Task Without_clients_the_error_says_what_to_add()
    {
        var loaded = ConfigLoader.Load("scrape_configs: []\npositions:\n  filename: /tmp/runestone-agent-test-positions.yaml\n", false);
        await using var runtime = new AgentRuntime(loaded.Config, TimeProvider.System, _ => { });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.StartAsync(null, default));
        Assert.Contains("clients", ex.Message, StringComparison.Ordinal);
    }
}
