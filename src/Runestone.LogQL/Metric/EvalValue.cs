namespace Runestone.LogQL.Metric;

/// <summary>The value of a sample expression: a scalar (same at every step) or a set of series.</summary>
internal abstract record EvalValue;

/// <summary>A number literal or an arithmetic of literals.</summary>
internal sealed record ScalarValue(double Value) : EvalValue;

/// <summary>A vector at every step: its series. <see cref="Ordered"/> when topk/sort fixed the order.</summary>
internal sealed record VectorValue(List<Series> Series, bool Ordered = false, bool SortDescending = false, bool SortByValue = false) : EvalValue;
