using Runestone.Agent.Config;
using Runestone.Agent.Metrics;
using Runestone.Agent.Pipeline;
using Runestone.Agent.Positions;
using Runestone.Agent.Relabeling;
using Runestone.Agent.Shipping;
using Runestone.Agent.Tailing;

namespace Runestone.Agent.Targets;

/// <summary>
/// Runs the file targets of one scrape config: discovered targets are relabeled, their
/// <c>__path__</c> globs expanded every sync period (or when discovery changes), and one tailer
/// runs per matching file; files no longer matched are read to their end and released.
/// </summary>
public sealed class FileTargetManager : ITargetReporter, IAsyncDisposable
{
    private readonly ScrapeConfig _config;
    private readonly IReadOnlyList<ITargetDiscoverer> _discoverers;
    private readonly IEntrySink _sink;
    private readonly PositionsFile _positions;
    private readonly AgentMetrics _metrics;
    private readonly TailerOptions _options;
    private readonly TimeSpan _syncPeriod;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, FileTailer> _tailers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _syncLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, StageContext> _contextFactory;
    private volatile IReadOnlyList<TargetInfo> _targets = [];
    private Task? _loop;
    private volatile bool _changed;

    public FileTargetManager(ScrapeConfig config, IReadOnlyList<ITargetDiscoverer> discoverers, IEntrySink sink, PositionsFile positions, AgentMetrics metrics, TailerOptions options, TimeSpan syncPeriod, TimeProvider clock)
    {
        _config = config;
        _discoverers = discoverers;
        _sink = sink;
        _positions = positions;
        _metrics = metrics;
        _options = options;
        _syncPeriod = syncPeriod;
        _clock = clock;
        _contextFactory = job => new StageContext
        {
            Clock = clock,
            JobName = job,
            Metrics = metrics.Custom,
            OnDropped = reason => metrics.StageDropped.WithLabels(reason).Inc(),
        };
        foreach (var d in discoverers)
        {
            d.Changed += () => _changed = true;
        }
    }

    public string JobName => _config.JobName;

    /// <summary>This node's name for <c>__host__</c> filtering: <c>HOSTNAME</c>, else the machine name.</summary>
    public static string LocalHostName => Environment.GetEnvironmentVariable("HOSTNAME") is { Length: > 0 } h ? h : Environment.MachineName;

    public IReadOnlyCollection<string> ActivePaths
    {
        get
        {
            lock (_tailers)
            {
                return [.. _tailers.Keys];
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var d in _discoverers)
        {
            await d.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        await SyncAsync(cancellationToken).ConfigureAwait(false);
        _loop = LoopAsync(_stop.Token);
    }

    public IReadOnlyList<TargetInfo> Targets() => _targets;

    /// <summary>Re-evaluates discovery, relabeling and globs once.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await _syncLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _changed = false;
            var desired = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            var infos = new List<TargetInfo>();
            foreach (var d in _discoverers)
            {
                foreach (var target in d.Current())
                {
                    var labels = new Dictionary<string, string>(target.Labels, StringComparer.Ordinal);
                    if (!Relabeler.Apply(_config.RelabelConfigs, labels))
                    {
                        infos.Add(new TargetInfo(_config.JobName, "file", target.Labels, null, false, "dropped by relabeling"));
                        continue;
                    }

                    // Promtail tails only targets of its own node when discovery says where they run.
                    if (labels.TryGetValue("__host__", out var host) && host.Length > 0 && !string.Equals(host, LocalHostName, StringComparison.OrdinalIgnoreCase))
                    {
                        infos.Add(new TargetInfo(_config.JobName, "file", target.Labels, null, false, $"__host__ {host} is not this node ({LocalHostName})"));
                        continue;
                    }

                    if (!labels.TryGetValue("__path__", out var pathPattern) || pathPattern.Length == 0)
                    {
                        infos.Add(new TargetInfo(_config.JobName, "file", target.Labels, null, false, "no __path__ label after relabeling"));
                        continue;
                    }

                    labels.TryGetValue("__path_exclude__", out var exclude);
                    var publicLabels = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var (k, v) in labels)
                    {
                        if (!k.StartsWith("__", StringComparison.Ordinal) && v.Length > 0)
                        {
                            publicLabels[k] = v;
                        }
                    }

                    var files = Glob.Expand(pathPattern);
                    var matched = 0;
                    foreach (var file in files)
                    {
                        if (!string.IsNullOrEmpty(exclude) && Glob.IsMatch(exclude, file))
                        {
                            continue;
                        }

                        if (file.EndsWith(".gz", StringComparison.Ordinal) && !_config.DecompressionEnabled)
                        {
                            continue;
                        }

                        var fileLabels = new Dictionary<string, string>(publicLabels, StringComparer.Ordinal) { ["filename"] = file };
                        desired[file] = fileLabels;
                        matched++;
                    }

                    infos.Add(new TargetInfo(_config.JobName, "file", target.Labels, publicLabels, true, $"{pathPattern}: {matched} file(s)"));
                }
            }

            List<FileTailer> toStop = [];
            lock (_tailers)
            {
                foreach (var (path, tailer) in _tailers)
                {
                    if (!desired.TryGetValue(path, out var want) || !SameLabels(want, tailer.Labels))
                    {
                        toStop.Add(tailer);
                    }
                }

                foreach (var t in toStop)
                {
                    _tailers.Remove(t.Path);
                }
            }

            foreach (var t in toStop)
            {
                await t.StopAsync(drain: true).ConfigureAwait(false);
                if (!File.Exists(t.Path))
                {
                    _positions.Remove(t.Path);
                }
            }

            lock (_tailers)
            {
                foreach (var (path, labels) in desired)
                {
                    if (_tailers.ContainsKey(path))
                    {
                        continue;
                    }

                    var stages = PipelineBuilder.Build(_config.PipelineStages, _config.PipelineStagesPath, _contextFactory(_config.JobName));
                    var tailer = new FileTailer(path, labels, stages, _sink, _positions, _metrics, _options with { Decompress = _config.DecompressionEnabled }, _clock);
                    _tailers[path] = tailer;
                    tailer.Start(_stop.Token);
                }

                _metrics.FilesActive.Set(_tailers.Count);
            }

            _targets = infos;
        }
        finally
        {
            _syncLock.Release();
        }
    }

    /// <summary>Per-file details for the targets page.</summary>
    public IReadOnlyList<(string Path, string State, long Offset)> Files()
    {
        lock (_tailers)
        {
            return [.. _tailers.Values.Select(t => (t.Path, t.State, t.ReadOffset)).OrderBy(x => x.Path, StringComparer.Ordinal)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        FileTailer[] all;
        lock (_tailers)
        {
            all = [.. _tailers.Values];
            _tailers.Clear();
        }

        foreach (var t in all)
        {
            await t.StopAsync(drain: false).ConfigureAwait(false);
        }

        foreach (var d in _discoverers)
        {
            await d.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
        _syncLock.Dispose();
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        var step = TimeSpan.FromMilliseconds(Math.Min(1000, _syncPeriod.TotalMilliseconds));
        var elapsed = TimeSpan.Zero;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(step, _clock, ct).ConfigureAwait(false);
            elapsed += step;
            if (elapsed >= _syncPeriod || _changed)
            {
                elapsed = TimeSpan.Zero;
                try
                {
                    await SyncAsync(ct).ConfigureAwait(false);
                }
                catch (InvalidOperationException ex)
                {
                    await Console.Error.WriteLineAsync($"agent: job {_config.JobName}: {ex.Message}").ConfigureAwait(false);
                }
            }
        }
    }

    private static bool SameLabels(Dictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
