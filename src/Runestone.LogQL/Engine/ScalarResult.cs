namespace Runestone.LogQL.Engine;

/// <summary>Instant query of a scalar expression (e.g. <c>1 + 1</c>).</summary>
public sealed record ScalarResult(long TimestampNs, double Value) : QueryResult
{
    public override string ResultType => "scalar";
}
