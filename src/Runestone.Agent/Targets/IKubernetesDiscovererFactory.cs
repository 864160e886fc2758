using Runestone.Agent.Config;

namespace Runestone.Agent.Targets;

/// <summary>
/// Creates Kubernetes pod discovery. Implemented by Runestone.Agent.Kubernetes (the only project
/// that references a Kubernetes client) and found by name at start, so the agent itself stays free of it.
/// </summary>
public interface IKubernetesDiscovererFactory
{
    ITargetDiscoverer Create(KubernetesSdConfig config, TimeProvider clock, Action<string> log);
}
