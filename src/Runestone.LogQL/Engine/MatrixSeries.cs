using Runestone.Core.Labels;

namespace Runestone.LogQL.Engine;

/// <summary>One series of a matrix: its labels and its points in time order.</summary>
public sealed record MatrixSeries(LabelSet Metric, IReadOnlyList<MatrixPoint> Points);
