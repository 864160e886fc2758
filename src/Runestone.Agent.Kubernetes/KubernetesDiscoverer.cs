using System.Diagnostics.CodeAnalysis;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Runestone.Agent.Config;
using Runestone.Agent.Targets;

namespace Runestone.Agent.Kubernetes;

/// <summary>
/// Pod discovery with the Kubernetes client: list, then watch from the list's resource version;
/// when the watch ends or fails (e.g. 410 Gone) the pods are listed again. Namespaces from
/// <c>namespaces.names</c> (all when empty); label and field selectors from <c>selectors</c>.
/// </summary>
public sealed class KubernetesDiscoverer : ITargetDiscoverer
{
    private readonly KubernetesSdConfig _config;
    private readonly TimeProvider _clock;
    private readonly Action<string> _log;
    private readonly IKubernetes _client;
    private readonly Dictionary<string, V1Pod> _pods = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly TaskCompletionSource _firstList = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public KubernetesDiscoverer(KubernetesSdConfig config, TimeProvider clock, Action<string> log)
    {
        _config = config;
        _clock = clock;
        _log = log;
        _client = new k8s.Kubernetes(BuildClientConfig(config));
    }

    public event Action? Changed;

    /// <summary>How long a watch request may stay open before it is renewed.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Wait between attempts after an error.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var namespaces = _config.Namespaces.Count > 0 ? _config.Namespaces : [string.Empty];
        if (_config.OwnNamespace && File.Exists("/var/run/secrets/kubernetes.io/serviceaccount/namespace"))
        {
            namespaces = [.. namespaces.Where(n => n.Length > 0), (await File.ReadAllTextAsync("/var/run/secrets/kubernetes.io/serviceaccount/namespace", cancellationToken).ConfigureAwait(false)).Trim()];
        }

        foreach (var ns in namespaces)
        {
            _loops.Add(RunAsync(ns, _stop.Token));
        }

        // Give the first list a moment so the first sync already sees the pods.
        await Task.WhenAny(_firstList.Task, Task.Delay(TimeSpan.FromSeconds(5), _clock, cancellationToken)).ConfigureAwait(false);
    }

    public IReadOnlyList<DiscoveredTarget> Current()
    {
        lock (_pods)
        {
            return [.. _pods.Values.SelectMany(PodTargets.FromPod)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(string ns, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = ns.Length == 0
                    ? await _client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: _config.FieldSelector, labelSelector: _config.LabelSelector, cancellationToken: ct).ConfigureAwait(false)
                    : await _client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: _config.FieldSelector, labelSelector: _config.LabelSelector, cancellationToken: ct).ConfigureAwait(false);
                Replace(ns, list.Items);
                _firstList.TrySetResult();
                await WatchAsync(ns, list.Metadata?.ResourceVersion, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException or k8s.Exceptions.KubernetesClientException or System.Text.Json.JsonException)
            {
                _log($"agent: kubernetes discovery ({(ns.Length == 0 ? "all namespaces" : ns)}): {ex.Message}; retrying in {RetryDelay.TotalSeconds:0}s");
                await Task.Delay(RetryDelay, _clock, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task WatchAsync(string ns, string? resourceVersion, CancellationToken ct)
    {
        KeepForJson<Watcher<KubernetesObject>.WatchEvent>();
        KeepForJson<KubernetesObject>();
        KeepForJson<Watcher<V1Pod>.WatchEvent>();
        // An ERROR event (410 Gone) carries a Status; not exercised by the smoke check.
        KeepForJson<Watcher<V1Status>.WatchEvent>();
        KeepForJson<V1Status>();
        KeepForJson<V1StatusDetails>();
        KeepForJson<V1StatusCause>();
        var timeout = (int)WatchTimeout.TotalSeconds;
        Exception? failure = null;
        var events = ns.Length == 0
            ? _client.CoreV1.WatchListPodForAllNamespacesAsync(fieldSelector: _config.FieldSelector, labelSelector: _config.LabelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: ex => failure = ex, cancellationToken: ct)
            : _client.CoreV1.WatchListNamespacedPodAsync(ns, fieldSelector: _config.FieldSelector, labelSelector: _config.LabelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: ex => failure = ex, cancellationToken: ct);
        await foreach (var (type, pod) in events.ConfigureAwait(false))
        {
            switch (type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                    Set(pod);
                    break;
                case WatchEventType.Deleted:
                    Remove(pod);
                    break;
                case WatchEventType.Error:
                    // Typically 410 Gone: the resource version is too old; list again.
                    return;
            }
        }

        if (failure is not null && !ct.IsCancellationRequested)
        {
            _log($"agent: kubernetes watch ended: {failure.Message}");
        }
    }

    private void Replace(string ns, IList<V1Pod> pods)
    {
        lock (_pods)
        {
            foreach (var key in _pods.Keys.Where(k => ns.Length == 0 || k.StartsWith(ns + "/", StringComparison.Ordinal)).ToArray())
            {
                _pods.Remove(key);
            }

            foreach (var p in pods)
            {
                _pods[Key(p)] = p;
            }
        }

        Changed?.Invoke();
    }

    private void Set(V1Pod pod)
    {
        lock (_pods)
        {
            _pods[Key(pod)] = pod;
        }

        Changed?.Invoke();
    }

    private void Remove(V1Pod pod)
    {
        lock (_pods)
        {
            _pods.Remove(Key(pod));
        }

        Changed?.Invoke();
    }

    private static string Key(V1Pod p) => $"{p.Metadata?.NamespaceProperty}/{p.Metadata?.Name}";

    private static System.Security.Cryptography.X509Certificates.X509Certificate2Collection LoadCa(string file)
    {
        var ca = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        ca.ImportFromPemFile(file);
        return ca;
    }

    /// <summary>
    /// The client reads each watch line into <c>Watcher&lt;KubernetesObject&gt;.WatchEvent</c>, then
    /// <c>Watcher&lt;V1Pod&gt;.WatchEvent</c> (or <c>V1Status</c>), with reflection-based
    /// System.Text.Json. Nothing references their constructors or property setters directly, so
    /// the Native AOT build had no reflection data for them and every watch ended at its first
    /// event ("Deserialization of types without a parameterless constructor ... WatchEvent", then
    /// "... KubernetesObject"). Naming the exact types here keeps what the serializer needs
    /// (tests/aot-smoke.sh checks a watch).
    /// </summary>
    private static void KeepForJson<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties)] T>()
    {
    }

    private static KubernetesClientConfiguration BuildClientConfig(KubernetesSdConfig c)
    {
        if (!string.IsNullOrEmpty(c.KubeconfigFile))
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(c.KubeconfigFile);
        }

        if (!string.IsNullOrEmpty(c.ApiServer))
        {
            var token = !string.IsNullOrEmpty(c.BearerTokenFile) ? File.ReadAllText(c.BearerTokenFile).Trim() : c.BearerToken;
            return new KubernetesClientConfiguration
            {
                Host = c.ApiServer,
                AccessToken = token,
                SkipTlsVerify = c.Tls.InsecureSkipVerify,
                SslCaCerts = string.IsNullOrEmpty(c.Tls.CaFile) ? null : LoadCa(c.Tls.CaFile),
            };
        }

        if (KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        throw new InvalidOperationException("kubernetes_sd_configs: not running in a cluster (no service account token) and neither api_server nor kubeconfig_file is set");
    }
}
