using Runestone.Core.Labels;

namespace Runestone.LogQL.Engine;

/// <summary>One sample of a vector.</summary>
public readonly record struct VectorSample(LabelSet Metric, long TimestampNs, double Value);
