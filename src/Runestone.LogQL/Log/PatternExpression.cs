using System.Text;

namespace Runestone.LogQL.Log;

/// <summary>
/// A compiled pattern expression (<c>&lt;ip&gt; - - &lt;_&gt; "&lt;method&gt; ..."</c>): literals and
/// captures. Anchored at the line start; each capture runs to the next literal (or the line end).
/// </summary>
internal sealed class PatternExpression
{
    private readonly byte[][] _literals; // literal before capture i is _literals[i]; the last is after the last capture
    private readonly string?[] _names;   // null for <_>

    private PatternExpression(byte[][] literals, string?[] names)
    {
        _literals = literals;
        _names = names;
    }

    /// <summary>Capture names in order; null entries are unnamed <c>&lt;_&gt;</c> captures.</summary>
    public IReadOnlyList<string?> Names => _names;

    public int CaptureCount => _names.Length;

    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PatternExpression? pattern, out string? error)
    {
        pattern = null;
        var literals = new List<byte[]>();
        var names = new List<string?>();
        var literal = new StringBuilder();
        var i = 0;
        var lastWasCapture = false;
        var lastCapture = string.Empty;
        while (i < text.Length)
        {
            if (text[i] == '<' && TryReadCapture(text, i, out var name, out var end))
            {
                if (lastWasCapture && literal.Length == 0)
                {
                    error = $"found consecutive capture '{lastCapture}{text[i..end]}': invalid expression";
                    return false;
                }

                literals.Add(Encoding.UTF8.GetBytes(literal.ToString()));
                literal.Clear();
                names.Add(name == "_" ? null : name);
                lastCapture = text[i..end];
                lastWasCapture = true;
                i = end;
                continue;
            }

            literal.Append(text[i]);
            i++;
        }

        literals.Add(Encoding.UTF8.GetBytes(literal.ToString()));
        if (names.Count == 0)
        {
            error = "at least one capture is required: invalid expression";
            return false;
        }

        pattern = new PatternExpression([.. literals], [.. names]);
        error = null;
        return true;
    }

    private static bool TryReadCapture(string text, int start, out string name, out int end)
    {
        name = string.Empty;
        end = start + 1;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
        {
            end++;
        }

        if (end >= text.Length || text[end] != '>' || end == start + 1 || char.IsAsciiDigit(text[start + 1]))
        {
            return false;
        }

        name = text[(start + 1)..end];
        end++;
        return true;
    }

    /// <summary>True when the whole pattern matches the line.</summary>
    public bool IsMatch(ReadOnlySpan<byte> line)
    {
        Span<Range> captures = _names.Length <= 32 ? stackalloc Range[_names.Length] : new Range[_names.Length];
        return Match(line, captures) == _names.Length;
    }

    /// <summary>Matches captures in order; returns how many matched (the parser keeps a partial match).</summary>
    public int Match(ReadOnlySpan<byte> line, Span<Range> captures)
    {
        var first = _literals[0];
        if (!line.StartsWith(first))
        {
            return 0;
        }

        var pos = first.Length;
        for (var i = 0; i < _names.Length; i++)
        {
            var next = _literals[i + 1];
            if (next.Length == 0)
            {
                // Only the last capture can lack a following literal: it takes the rest of the line.
                captures[i] = pos..line.Length;
                pos = line.Length;
                continue;
            }

            var found = line[pos..].IndexOf(next);
            if (found < 0)
            {
                return i;
            }

            captures[i] = pos..(pos + found);
            pos += found + next.Length;
        }

        return _names.Length;
    }
}
