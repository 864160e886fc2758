namespace Runestone.LogQL.Engine;

/// <summary>One point of a matrix series.</summary>
public readonly record struct MatrixPoint(long TimestampNs, double Value);
