using Runestone.Core.Logs;

namespace Runestone.LogQL.Engine;

/// <summary>
/// One query as the HTTP API receives it. Times are Unix nanoseconds; log queries read
/// <c>[StartNs, EndNs)</c>. <see cref="Instant"/> queries evaluate metrics once, at <see cref="EndNs"/>.
/// </summary>
public sealed record QueryParameters(
    string Query,
    long StartNs,
    long EndNs,
    long StepNs,
    long IntervalNs,
    int Limit,
    Direction Direction,
    bool Instant);
