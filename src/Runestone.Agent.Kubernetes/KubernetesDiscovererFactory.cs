using Runestone.Agent.Config;
using Runestone.Agent.Targets;

namespace Runestone.Agent.Kubernetes;

/// <summary>Found by the agent at start (by name) to create pod discovery.</summary>
public sealed class KubernetesDiscovererFactory : IKubernetesDiscovererFactory
{
    public ITargetDiscoverer Create(KubernetesSdConfig config, TimeProvider clock, Action<string> log) =>
        new KubernetesDiscoverer(config, clock, log);
}
