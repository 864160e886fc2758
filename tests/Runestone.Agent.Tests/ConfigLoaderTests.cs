using Runestone.Agent.Config;
using Runestone.Agent.Relabeling;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class ConfigLoaderTests
{
    private const string SeedLike = """
        server:
          http_listen_port: 3101
        positions:
          filename: /run/promtail/positions.yaml
        clients:
          - url: http://loki:3100/loki/api/v1/push
            tenant_id: team-a
            batchwait: 2s
            batchsize: 512KiB
            backoff_config:
              min_period: 1s
              max_period: 1m
              max_retries: 5
            external_labels:
              cluster: prod
        target_config:
          sync_period: 30s
        limits_config:
          max_line_size: 256kb
          max_line_size_truncate: true
        scrape_configs:
          - job_name: kubernetes-pods
            pipeline_stages:
              - cri: {}
              - match:
                  selector: '{app="nginx"}'
                  stages:
                    - regex:
                        expression: '^(?P<ip>\S+)'
                    - labels:
                        ip:
            kubernetes_sd_configs:
              - role: pod
                namespaces:
                  names: [default, kube-system]
            relabel_configs:
              - source_labels: [__meta_kubernetes_pod_label_app]
                target_label: app
              - action: labelmap
                regex: __meta_kubernetes_pod_label_(.+)
          - job_name: system
            static_configs:
              - targets: [localhost]
                labels:
                  job: kubernetes-system
                  __path__: /var/log/syslog
        """;

    [Fact]
    public void Loads_a_promtail_config()
    {
        var r = ConfigLoader.Load(SeedLike, expandEnv: false);
        Assert.Empty(r.Errors);
        Assert.Empty(r.Warnings);
        var c = r.Config;
        Assert.Equal(3101, c.Server.HttpListenPort);
        Assert.Equal("/run/promtail/positions.yaml", c.Positions.Filename);
        var client = Assert.Single(c.Clients);
        Assert.Equal("team-a", client.TenantId);
        Assert.Equal(TimeSpan.FromSeconds(2), client.BatchWait);
        Assert.Equal(512 * 1024, client.BatchSize);
        Assert.Equal(5, client.MaxRetries);
        Assert.Equal(TimeSpan.FromMinutes(1), client.BackoffMax);
        Assert.Equal("prod", client.ExternalLabels["cluster"]);
        Assert.Equal(TimeSpan.FromSeconds(30), c.TargetSyncPeriod);
        Assert.Equal(256_000, c.Limits.MaxLineSize);
        Assert.Equal(2, c.ScrapeConfigs.Count);
        var k8s = c.ScrapeConfigs[0];
        Assert.Equal(["default", "kube-system"], Assert.Single(k8s.KubernetesSdConfigs).Namespaces);
        Assert.Equal(RelabelAction.LabelMap, k8s.RelabelConfigs[1].Action);
        Assert.Equal("/var/log/syslog", c.ScrapeConfigs[1].StaticConfigs[0].Labels["__path__"]);
    }

    [Fact]
    public void Unknown_keys_warn_with_their_path()
    {
        var r = ConfigLoader.Load("server:\n  http_listen_port: 1\n  bogus: 2\nclients:\n  - url: http://x/loki/api/v1/push\n    batchwiat: 1s\n", false);
        Assert.Empty(r.Errors);
        Assert.Contains("server.bogus (line 3): unknown field, ignored", r.Warnings);
        Assert.Contains("clients[0].batchwiat (line 6): unknown field, ignored", r.Warnings);
    }

    [Theory]
    [InlineData("server:\n  http_listen_port: abc\n", "server.http_listen_port (line 2): expected an integer, got 'abc'")]
    [InlineData("clients:\n  - batchwait: 1s\n", "clients[0].url (line 2): url is required")]
    [InlineData("clients:\n  - url: http://x\n    batchwait: soon\n", "clients[0].batchwait (line 3): expected a duration")]
    [InlineData("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: explode\n", "scrape_configs[0].relabel_configs[0].action (line 4): unknown relabel action 'explode'")]
    [InlineData("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regex: '('\n", "scrape_configs[0].relabel_configs[0].regex (line 4): invalid regex")]
    [InlineData("scrape_configs:\n  - job_name: a\n    pipeline_stages:\n      - regex:\n          source: x\n", "scrape_configs[0].pipeline_stages[0].regex (line 5): 'expression' is required")]
    [InlineData("server: [\n", "invalid YAML")]
    public void Errors_name_path_and_line(string yaml, string expected)
    {
        var r = ConfigLoader.Load(yaml, false);
        Assert.Contains(r.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Expands_environment_variables_when_asked()
    {
        Environment.SetEnvironmentVariable("RUNESTONE_TEST_HOST", "loki.example");
        var yaml = "clients:\n  - url: http://${RUNESTONE_TEST_HOST}:3100/loki/api/v1/push\n    tenant_id: ${RUNESTONE_TEST_MISSING:-fallback}\n";
        var r = ConfigLoader.Load(yaml, expandEnv: true);
        Assert.Empty(r.Errors);
        Assert.Equal("http://loki.example:3100/loki/api/v1/push", r.Config.Clients[0].Url);
        Assert.Equal("fallback", r.Config.Clients[0].TenantId);
        Assert.NotEmpty(ConfigLoader.Load(yaml, expandEnv: false).Errors);
    }

    [Fact]
    public void Printed_config_loads_back_to_the_same_values()
    {
        var first = ConfigLoader.Load(SeedLike, false).Config;
        var printed = ConfigPrinter.Print(first);
        var again = ConfigLoader.Load(printed, false);
        Assert.Empty(again.Errors);
        Assert.Equal(ConfigPrinter.Print(again.Config), printed);
    }

    [Fact]
    public void Shipped_default_config_is_valid()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Runestone.slnx")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        var r = ConfigLoader.LoadFile(Path.Combine(dir, "deploy", "agent", "promtail.yaml"), expandEnv: true);
        Assert.Empty(r.Errors);
        Assert.Empty(r.Warnings);
    }
}
