using Runestone.Agent.Config;

namespace Runestone.Agent.Targets;

/// <summary><c>static_configs</c>: one target per entry of <c>targets</c>, with the given labels and <c>__address__</c>.</summary>
public sealed class StaticDiscoverer(IReadOnlyList<StaticConfig> configs) : ITargetDiscoverer
{
    public event Action? Changed
    {
        add { }
        remove { }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public IReadOnlyList<DiscoveredTarget> Current()
    {
        var list = new List<DiscoveredTarget>();
        for (var i = 0; i < configs.Count; i++)
        {
            var targets = configs[i].Targets.Count == 0 ? ["localhost"] : configs[i].Targets;
            foreach (var t in targets)
            {
                var labels = new Dictionary<string, string>(configs[i].Labels, StringComparer.Ordinal) { ["__address__"] = t };
                list.Add(new DiscoveredTarget($"static/{i}", labels));
            }
        }

        return list;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
