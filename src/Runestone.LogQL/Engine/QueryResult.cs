namespace Runestone.LogQL.Engine;

/// <summary>The result of a query: streams, a vector, a matrix or a scalar.</summary>
public abstract record QueryResult
{
    /// <summary>Loki's <c>resultType</c>: <c>streams</c>, <c>vector</c>, <c>matrix</c> or <c>scalar</c>.</summary>
    public abstract string ResultType { get; }
}
