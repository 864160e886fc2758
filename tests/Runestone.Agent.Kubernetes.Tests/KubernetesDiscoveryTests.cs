using Runestone.Core.Configuration;
using Runestone.Agent.Config;
using Runestone.Agent.Relabeling;
using Runestone.Agent.Targets;
using Xunit;

namespace Runestone.Agent.Kubernetes.Tests;

public sealed class KubernetesDiscoveryTests
{
    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return condition();
    }

    private static KubernetesDiscoverer Discoverer(string url, params string[] namespaces)
    {
        var cfg = new KubernetesSdConfig { ApiServer = url };
        cfg.Namespaces.AddRange(namespaces);
        return new KubernetesDiscoverer(cfg, TimeProvider.System, _ => { }) { RetryDelay = TimeSpan.FromMilliseconds(50) };
    }

    [Fact]
    public async Task Lists_then_follows_add_change_and_delete()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.PodListJson = Recorded.List(
            Recorded.Pod("default", "nginx-7d9f8c6b5-abcde", "uid-1", "node-a", "nginx"),
            Recorded.Pod("default", "redis-7d9f8c6b5-fghij", "uid-2", "node-a", "redis"));
        await using var d = Discoverer(api.Url);
        var changes = 0;
        d.Changed += () => Interlocked.Increment(ref changes);
        await d.StartAsync(default);
        Assert.True(await WaitAsync(() => d.Current().Count == 4));
        var nginx = d.Current().First(t => t.Labels["__meta_kubernetes_pod_container_name"] == "nginx").Labels;
        Assert.Equal("default", nginx["__meta_kubernetes_namespace"]);
        Assert.Equal("nginx-7d9f8c6b5-abcde", nginx["__meta_kubernetes_pod_name"]);
        Assert.Equal("uid-1", nginx["__meta_kubernetes_pod_uid"]);
        Assert.Equal("10.244.1.17", nginx["__meta_kubernetes_pod_ip"]);
        Assert.Equal("node-a", nginx["__meta_kubernetes_pod_node_name"]);
        Assert.Equal("nginx", nginx["__meta_kubernetes_pod_label_app"]);
        Assert.Equal("true", nginx["__meta_kubernetes_pod_labelpresent_pod_template_hash"]);
        Assert.Equal("2024-05-01T10:00:00Z", nginx["__meta_kubernetes_pod_annotation_kubernetes_io_config_seen"]);
        Assert.Equal("ReplicaSet", nginx["__meta_kubernetes_pod_controller_kind"]);
        Assert.Equal("nginx-7d9f8c6b5", nginx["__meta_kubernetes_pod_controller_name"]);
        Assert.Equal("Running", nginx["__meta_kubernetes_pod_phase"]);
        Assert.Equal("true", nginx["__meta_kubernetes_pod_ready"]);
        Assert.Equal("containerd://1a2b3c", nginx["__meta_kubernetes_pod_container_id"]);
        Assert.Equal("false", nginx["__meta_kubernetes_pod_container_init"]);
        Assert.Equal("10.244.1.17:80", nginx["__address__"]);

        await api.WatchEvents.Writer.WriteAsync(Recorded.Event("ADDED", Recorded.Pod("kube-system", "coredns-1", "uid-3", "node-a", "coredns")));
        Assert.True(await WaitAsync(() => d.Current().Count == 6));
        await api.WatchEvents.Writer.WriteAsync(Recorded.Event("MODIFIED", Recorded.Pod("default", "nginx-7d9f8c6b5-abcde", "uid-1", "node-a", "nginx", ready: "False", extraLabel: "web")));
        Assert.True(await WaitAsync(() => d.Current().Any(t => t.Labels.TryGetValue("__meta_kubernetes_pod_label_tier", out var v) && v == "web")));
        Assert.Equal("false", d.Current().First(t => t.Labels["__meta_kubernetes_pod_name"] == "nginx-7d9f8c6b5-abcde").Labels["__meta_kubernetes_pod_ready"]);
        await api.WatchEvents.Writer.WriteAsync(Recorded.Event("DELETED", Recorded.Pod("default", "redis-7d9f8c6b5-fghij", "uid-2", "node-a", "redis")));
        Assert.True(await WaitAsync(() => d.Current().Count == 4));
        Assert.DoesNotContain(d.Current(), t => t.Labels["__meta_kubernetes_pod_name"].StartsWith("redis", StringComparison.Ordinal));
        Assert.True(changes >= 4);
        Assert.Contains(api.Requests, r => r.Contains("watch=true", StringComparison.Ordinal) && r.Contains("resourceVersion=1234", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_closed_watch_lists_again_and_namespaces_are_honoured()
    {
        await using var api = await FakeApiServer.StartAsync();
        api.PodListJson = Recorded.List(Recorded.Pod("team-a", "web-1", "uid-9", "node-a", "web"));
        await using var d = Discoverer(api.Url, "team-a");
        await d.StartAsync(default);
        Assert.True(await WaitAsync(() => d.Current().Count == 2));
        api.PodListJson = Recorded.List();
        await api.WatchEvents.Writer.WriteAsync("CLOSE");
        Assert.True(await WaitAsync(() => d.Current().Count == 0));
        lock (api.Requests)
        {
            Assert.All(api.Requests, r => Assert.StartsWith("/api/v1/namespaces/team-a/pods", r, StringComparison.Ordinal));
            Assert.True(api.Requests.Count(r => !r.Contains("watch=true", StringComparison.Ordinal)) >= 2);
        }
    }

    [Fact]
    public void Default_config_relabels_pods_to_the_seed_labels()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Runestone.slnx")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        var text = File.ReadAllText(Path.Combine(dir, "deploy", "agent", "promtail.yaml"));
        var env = new Dictionary<string, string> { ["HOSTNAME"] = "node-a" };
        var loaded = ConfigLoader.Load(EnvExpander.Expand(text, n => env.GetValueOrDefault(n)), expandEnv: false);
        Assert.Empty(loaded.Errors);
        var relabel = loaded.Config.ScrapeConfigs.Single(s => s.JobName == "kubernetes-pods").RelabelConfigs;
        var pod = k8s.KubernetesJson.Deserialize<k8s.Models.V1Pod>(Recorded.Pod("default", "nginx-7d9f8c6b5-abcde", "uid-1", "node-a", "nginx"));
        var target = PodTargets.FromPod(pod).First();
        var labels = new Dictionary<string, string>(target.Labels, StringComparer.Ordinal);
        Assert.True(Relabeler.Apply(relabel, labels));
        Assert.Equal("default", labels["namespace"]);
        Assert.Equal("nginx-7d9f8c6b5-abcde", labels["pod"]);
        Assert.Equal("nginx", labels["container"]);
        Assert.Equal("nginx", labels["app"]);
        Assert.Equal("node-a", labels["node_name"]);
        Assert.Equal("default/nginx", labels["job"]);
        Assert.Equal("/var/log/pods/*uid-1/nginx/*.log", labels["__path__"]);

        var otherNode = k8s.KubernetesJson.Deserialize<k8s.Models.V1Pod>(Recorded.Pod("default", "x", "uid-2", "node-b", "x"));
        Assert.False(Relabeler.Apply(relabel, new Dictionary<string, string>(PodTargets.FromPod(otherNode).First().Labels, StringComparer.Ordinal)));

        var system = loaded.Config.ScrapeConfigs.Single(s => s.JobName == "kubernetes-system").StaticConfigs[0].Labels;
        Assert.Equal("kubernetes-system", system["job"]);
        Assert.Equal("/var/log/syslog", system["__path__"]);
        Assert.Equal("node-a", system["node_name"]);
    }

    [Fact]
    public void Factory_is_found_by_the_name_the_agent_uses()
    {
        var type = Type.GetType("Runestone.Agent.Kubernetes.KubernetesDiscovererFactory, Runestone.Agent.Kubernetes", throwOnError: true)!;
        Assert.IsAssignableFrom<IKubernetesDiscovererFactory>(Activator.CreateInstance(type));
    }
}
