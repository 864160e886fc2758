namespace Runestone.LogQL.Syntax;

/// <summary>Matching cardinality of a binary operation between vectors.</summary>
public enum VectorCardinality
{
    OneToOne,

    /// <summary><c>group_left</c></summary>
    ManyToOne,

    /// <summary><c>group_right</c></summary>
    OneToMany,
}
