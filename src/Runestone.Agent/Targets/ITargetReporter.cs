namespace Runestone.Agent.Targets;

/// <summary>Anything that runs targets and can list them for the status pages.</summary>
public interface ITargetReporter
{
    IReadOnlyList<TargetInfo> Targets();
}
