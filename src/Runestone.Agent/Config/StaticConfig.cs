namespace Runestone.Agent.Config;

/// <summary><c>static_configs:</c> entry: targets (always localhost for files) and labels incl. <c>__path__</c>.</summary>
public sealed class StaticConfig
{
    public List<string> Targets { get; } = [];

    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);
}
