using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// <c>on (a)</c> / <c>ignoring (a)</c> with optional <c>group_left (b)</c> / <c>group_right (b)</c>
/// of a binary operation between vectors.
/// </summary>
public sealed class VectorMatching(bool on, IReadOnlyList<string> labels, VectorCardinality cardinality, IReadOnlyList<string> include)
{
    public bool On { get; } = on;

    public IReadOnlyList<string> Labels { get; } = labels;

    public VectorCardinality Cardinality { get; } = cardinality;

    /// <summary>Extra labels copied from the "one" side in group_left/group_right.</summary>
    public IReadOnlyList<string> Include { get; } = include;

    public void Format(StringBuilder sb)
    {
        sb.Append(On ? " on (" : " ignoring (").AppendJoin(",", Labels).Append(')');
        if (Cardinality != VectorCardinality.OneToOne)
        {
            sb.Append(Cardinality == VectorCardinality.ManyToOne ? " group_left" : " group_right");
            if (Include.Count > 0)
            {
                sb.Append(" (").AppendJoin(",", Include).Append(')');
            }
        }
    }
}
