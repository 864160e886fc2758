namespace Runestone.LogQL.Engine;

/// <summary>Log query result: streams, each with entries in the query direction.</summary>
public sealed record StreamsResult(IReadOnlyList<ResultStream> Streams) : QueryResult
{
    public override string ResultType => "streams";
}
