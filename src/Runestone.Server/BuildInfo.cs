using System.Reflection;

namespace Runestone.Server;

/// <summary>Version facts for /loki/api/v1/status/buildinfo and the build_info metric.</summary>
public static class BuildInfo
{
    public static string Version { get; } = typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.1.0";

    public static string Revision { get; } = typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+') is { Length: > 1 } parts ? parts[1] : "unknown";
}
