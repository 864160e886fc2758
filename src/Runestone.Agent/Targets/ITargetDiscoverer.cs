namespace Runestone.Agent.Targets;

/// <summary>A service discovery mechanism (static, Kubernetes, …) that knows its current targets.</summary>
public interface ITargetDiscoverer : IAsyncDisposable
{
    /// <summary>Raised when the set of targets changed.</summary>
    event Action? Changed;

    Task StartAsync(CancellationToken cancellationToken);

    IReadOnlyList<DiscoveredTarget> Current();
}
