namespace Runestone.LogQL.Syntax;

/// <summary>An expression that evaluates to numbers: a metric query.</summary>
public abstract class SampleExpr : Expr
{
}
