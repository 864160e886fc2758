using Runestone.Core.Labels;
using Runestone.Core.Logs;

namespace Runestone.LogQL.Engine;

/// <summary>
/// What the engine asks of storage: the streams whose labels match, their entries with
/// <c>StartNs &lt;= ts &lt; EndNs</c> in <see cref="Direction"/>, pre-filtered by
/// <see cref="LineFilter"/> (the line filters that precede any parser; null when none).
/// </summary>
public sealed record SelectRequest(
    IReadOnlyList<LabelMatcher> Matchers,
    long StartNs,
    long EndNs,
    Direction Direction,
    ILineFilter? LineFilter,
    QueryStatistics Statistics);
