using Runestone.Core.Logs;

namespace Runestone.LogQL.Engine;

/// <summary>
/// One query as the HTTP API receives it. Times are Unix nanoseconds; log queries read
/// <c>[StartNs, EndNs)</c>. <see cref="Instant"/> queries evaluate metrics once, at <see cref="EndNs"/>.
/// <see cref="CategorizeLabels"/> (Loki's <c>categorize-labels</c> encoding flag) makes a log query
/// key its streams by the original stream labels and return structured metadata and parsed
/// labels with each entry instead.
/// </summary>
public sealed record QueryParameters(
    string Query,
    long StartNs,
    long EndNs,
    long StepNs,
    long IntervalNs,
    int Limit,
    Direction Direction,
    bool Instant,
    bool CategorizeLabels = false);
