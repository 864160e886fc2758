using Runestone.Agent.Config;
using Runestone.Agent.Tests;
using Xunit;

namespace Runestone.Agent.Kubernetes.Tests;

public sealed class KubernetesAgentTests
{
    [Fact]
    public async Task Discovered_pods_are_tailed_and_released_when_deleted()
    {
        var root = Path.Combine(Path.GetTempPath(), "runestone-k8s-" + Guid.NewGuid().ToString("N")[..8]);
        var podDir = Path.Combine(root, "default_nginx-7d9f8c6b5-abcde_uid-1", "nginx");
        Directory.CreateDirectory(podDir);
        var log = Path.Combine(podDir, "0.log");
        File.WriteAllText(log, "2024-05-01T10:00:00.5Z stdout F GET / 200\n");
        try
        {
            await using var api = await FakeApiServer.StartAsync();
            api.PodListJson = Recorded.List(Recorded.Pod("default", "nginx-7d9f8c6b5-abcde", "uid-1", "node-a", "nginx"));
            await using var sink = await FakePushServer.StartAsync();
            var yaml = $$"""
                server:
                  disable: true
                positions:
                  filename: {{root}}/positions.yaml
                clients:
                  - url: {{sink.Url}}
                    batchwait: 20ms
                target_config:
                  sync_period: 100ms
                scrape_configs:
                  - job_name: kubernetes-pods
                    pipeline_stages:
                      - cri: {}
                    kubernetes_sd_configs:
                      - role: pod
                        api_server: {{api.Url}}
                    relabel_configs:
                      - source_labels: [__meta_kubernetes_namespace]
                        target_label: namespace
                      - source_labels: [__meta_kubernetes_pod_name]
                        target_label: pod
                      - source_labels: [__meta_kubernetes_pod_container_name]
                        target_label: container
                      - source_labels: [__meta_kubernetes_pod_label_app]
                        target_label: app
                      - source_labels: [__meta_kubernetes_pod_node_name]
                        target_label: node_name
                      - source_labels: [__meta_kubernetes_pod_uid, __meta_kubernetes_pod_container_name]
                        separator: /
                        replacement: {{root}}/*$1/*.log
                        target_label: __path__
                """;
            var loaded = ConfigLoader.Load(yaml, false);
            Assert.Empty(loaded.Errors);
            await using var runtime = new AgentRuntime(loaded.Config, TimeProvider.System, _ => { }) { KubernetesFactory = new KubernetesDiscovererFactory() };
            await runtime.StartAsync(null, default);
            Assert.True(await sink.WaitForAsync(s => s.Entries.Count == 1));
            var first = sink.Entries.Single();
            Assert.Equal("GET / 200", first.Line);
            Assert.Equal($"{{app=\"nginx\", container=\"nginx\", filename=\"{log}\", namespace=\"default\", node_name=\"node-a\", pod=\"nginx-7d9f8c6b5-abcde\", stream=\"stdout\"}}", first.Labels);
            // The sidecar has no log file yet: a target without files.
            Assert.Contains(runtime.Targets(), t => t.Details.Contains("0 file(s)", StringComparison.Ordinal));

            await api.WatchEvents.Writer.WriteAsync(Recorded.Event("DELETED", Recorded.Pod("default", "nginx-7d9f8c6b5-abcde", "uid-1", "node-a", "nginx")));
            var manager = runtime.FileManagers.Single();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((manager.ActivePaths.Count > 0 || runtime.Targets().Count > 0) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Empty(manager.ActivePaths);
            Assert.Empty(runtime.Targets());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
