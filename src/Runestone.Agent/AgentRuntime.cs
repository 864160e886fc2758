using Runestone.Agent.Config;
using Runestone.Agent.Journal;
using Runestone.Agent.Metrics;
using Runestone.Agent.Pipeline;
using Runestone.Agent.Positions;
using Runestone.Agent.PushApi;
using Runestone.Agent.Shipping;
using Runestone.Agent.Syslog;
using Runestone.Agent.Tailing;
using Runestone.Agent.Targets;

namespace Runestone.Agent;

/// <summary>One running agent: positions, clients, and the targets of every scrape config.</summary>
public sealed class AgentRuntime : IAsyncDisposable
{
    private readonly AgentConfig _config;
    private readonly TimeProvider _clock;
    private readonly Action<string> _log;
    private readonly List<PushClient> _clients = [];
    private readonly List<FileTargetManager> _fileManagers = [];
    private readonly List<IAsyncDisposable> _others = [];
    private readonly List<ITargetReporter> _reporters = [];
    private PositionsFile? _positions;
    private bool _dryRun;

    public AgentRuntime(AgentConfig config, TimeProvider clock, Action<string> log)
    {
        _config = config;
        _clock = clock;
        _log = log;
    }

    public AgentMetrics Metrics { get; } = new();

    public AgentConfig Config => _config;

    /// <summary>The positions file (null before start).</summary>
    public PositionsFile? Positions => _positions;

    /// <summary>Where Kubernetes discovery comes from (Runestone.Agent.Kubernetes); null when not available.</summary>
    public IKubernetesDiscovererFactory? KubernetesFactory { get; set; }

    public IReadOnlyList<SyslogTarget> SyslogTargets => [.. _others.OfType<SyslogTarget>()];

    public IReadOnlyList<PushApiTarget> PushApiTargets => [.. _others.OfType<PushApiTarget>()];

    public IReadOnlyList<JournalTarget> JournalTargets => [.. _others.OfType<JournalTarget>()];

    public IReadOnlyList<FileTargetManager> FileManagers => _fileManagers;

    public async Task StartAsync(TextWriter? dryRunOutput, CancellationToken cancellationToken)
    {
        _dryRun = dryRunOutput is not null;
        _positions = PositionsFile.Open(_config.Positions.Filename, _clock, _config.Positions.SyncPeriod, _config.Positions.IgnoreInvalidYaml);
        if (!_dryRun)
        {
            _positions.StartSync();
        }

        IEntrySink sink;
        if (dryRunOutput is not null)
        {
            sink = new DryRunSink(dryRunOutput);
        }
        else
        {
            if (_config.Clients.Count == 0)
            {
                throw new InvalidOperationException("no clients configured: add clients: [{url: http://<runestone>:3100/loki/api/v1/push}] or run with -dry-run");
            }

            for (var i = 0; i < _config.Clients.Count; i++)
            {
                var client = new PushClient(_config.Clients[i], i, Metrics, _clock, _log);
                client.Start();
                _clients.Add(client);
            }

            sink = _clients.Count == 1 ? _clients[0] : new FanoutSink(_clients);
        }

        if (_config.Limits.ReadlineRateEnabled)
        {
            sink = new RateLimitedSink(sink, _config.Limits.ReadlineRate, _config.Limits.ReadlineBurst, _config.Limits.ReadlineRateDrop, _clock,
                () => Metrics.DroppedEntries.WithLabels(string.Empty, "readline_rate_limit").Inc());
        }

        var tailerOptions = new TailerOptions
        {
            MaxLineSize = _config.Limits.MaxLineSize,
            MaxLineSizeTruncate = _config.Limits.MaxLineSizeTruncate,
            Clients = _dryRun ? 1 : _clients.Count,
        };

        foreach (var scrape in _config.ScrapeConfigs)
        {
            var context = new StageContext
            {
                Clock = _clock,
                JobName = scrape.JobName,
                Metrics = Metrics.Custom,
                OnDropped = reason => Metrics.StageDropped.WithLabels(reason).Inc(),
            };
            if (scrape.Syslog is not null)
            {
                var runner = new PipelineRunner(PipelineBuilder.Build(scrape.PipelineStages, scrape.PipelineStagesPath, context), sink, _clock);
                var target = new SyslogTarget(scrape, runner, Metrics, _clock);
                target.Start();
                _others.Add(target);
                _reporters.Add(target);
                _log($"agent: job {scrape.JobName}: syslog listening on {scrape.Syslog.ListenProtocol}://{target.LocalEndpoint}");
                continue;
            }

            if (scrape.LokiPushApi is not null)
            {
                var runner = new PipelineRunner(PipelineBuilder.Build(scrape.PipelineStages, scrape.PipelineStagesPath, context), sink, _clock);
                var target = new PushApiTarget(scrape, runner, _clock);
                await target.StartAsync(cancellationToken).ConfigureAwait(false);
                _others.Add(target);
                _reporters.Add(target);
                _log($"agent: job {scrape.JobName}: loki_push_api listening on {target.Address}");
                continue;
            }

            if (scrape.Journal is not null)
            {
                if (!JournalReader.IsAvailable)
                {
                    _log($"journal target {scrape.JobName}: libsystemd.so.0 not found; install libsystemd0 or remove the journal scrape config");
                    continue;
                }

                var runner = new PipelineRunner(PipelineBuilder.Build(scrape.PipelineStages, scrape.PipelineStagesPath, context), sink, _clock);
                var target = new JournalTarget(scrape, runner, _positions, tailerOptions.Clients, _clock, _log);
                target.Start();
                _others.Add(target);
                _reporters.Add(target);
                _log($"agent: job {scrape.JobName}: reading the journal {(scrape.Journal.Path.Length == 0 ? "of this machine" : "at " + scrape.Journal.Path)}");
                continue;
            }

            var discoverers = new List<ITargetDiscoverer>();
            if (scrape.StaticConfigs.Count > 0)
            {
                discoverers.Add(new StaticDiscoverer(scrape.StaticConfigs));
            }

            foreach (var k in scrape.KubernetesSdConfigs)
            {
                if (KubernetesFactory is null)
                {
                    throw new InvalidOperationException($"job {scrape.JobName}: kubernetes_sd_configs needs the Runestone.Agent.Kubernetes assembly next to the executable");
                }

                discoverers.Add(KubernetesFactory.Create(k, _clock, _log));
            }

            if (discoverers.Count == 0)
            {
                _log($"agent: job {scrape.JobName}: no static_configs, kubernetes_sd_configs, syslog, loki_push_api or journal; nothing to do");
                continue;
            }

            var manager = new FileTargetManager(scrape, discoverers, sink, _positions, Metrics, tailerOptions, _config.TargetSyncPeriod, _clock);
            await manager.StartAsync(cancellationToken).ConfigureAwait(false);
            _fileManagers.Add(manager);
            _reporters.Add(manager);
        }

        UpdateGauges();
    }

    /// <summary>Every target of every job, for the status pages.</summary>
    public IReadOnlyList<TargetInfo> Targets() => [.. _reporters.SelectMany(r => r.Targets())];

    /// <summary>Ready like Promtail: at least one active target.</summary>
    public bool IsReady => Targets().Any(t => t.Ready);

    public void UpdateGauges() => Metrics.TargetsActive.Set(Targets().Count(t => t.Ready));

    public async ValueTask DisposeAsync()
    {
        foreach (var m in _fileManagers)
        {
            await m.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var o in _others)
        {
            await o.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var c in _clients)
        {
            await c.DisposeAsync().ConfigureAwait(false);
        }

        if (_positions is not null)
        {
            if (_dryRun)
            {
                // -dry-run never moves the saved positions.
                return;
            }

            await _positions.DisposeAsync().ConfigureAwait(false);
        }
    }
}
