namespace Runestone.LogQL.Engine;

/// <summary>Range metric query result.</summary>
public sealed record MatrixResult(IReadOnlyList<MatrixSeries> Series) : QueryResult
{
    public override string ResultType => "matrix";
}
