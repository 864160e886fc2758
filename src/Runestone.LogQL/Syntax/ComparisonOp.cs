namespace Runestone.LogQL.Syntax;

/// <summary>Comparison operators of numeric, duration and bytes label filters.</summary>
public enum ComparisonOp
{
    Eq,
    Neq,
    Gt,
    Gte,
    Lt,
    Lte,
}
