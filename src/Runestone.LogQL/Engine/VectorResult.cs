namespace Runestone.LogQL.Engine;

/// <summary>Instant metric query result.</summary>
public sealed record VectorResult(IReadOnlyList<VectorSample> Samples) : QueryResult
{
    public override string ResultType => "vector";
}
