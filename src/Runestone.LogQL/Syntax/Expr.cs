using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// A parsed LogQL expression. <see cref="ToString"/> prints canonical LogQL that parses back to
/// an equal expression; equality is equality of that canonical text.
/// </summary>
public abstract class Expr : IEquatable<Expr>
{
    private string? _text;

    /// <summary>Appends the canonical LogQL text of this expression.</summary>
    public abstract void Format(StringBuilder sb);

    public override string ToString()
    {
        if (_text is null)
        {
            var sb = new StringBuilder();
            Format(sb);
            _text = sb.ToString();
        }

        return _text;
    }

    public bool Equals(Expr? other) => other is not null && GetType() == other.GetType() && ToString() == other.ToString();

    public override bool Equals(object? obj) => Equals(obj as Expr);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());
}
