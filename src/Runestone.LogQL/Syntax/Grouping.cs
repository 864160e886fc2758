using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary><c>by (a, b)</c> or <c>without (a)</c>.</summary>
public sealed class Grouping(bool without, IReadOnlyList<string> labels)
{
    public bool Without { get; } = without;

    public IReadOnlyList<string> Labels { get; } = labels;

    public void Format(StringBuilder sb) =>
        sb.Append(Without ? " without (" : " by (").AppendJoin(",", Labels).Append(')');

    public override string ToString()
    {
        var sb = new StringBuilder();
        Format(sb);
        return sb.ToString();
    }
}
