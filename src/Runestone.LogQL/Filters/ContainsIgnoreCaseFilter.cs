using System.Text;
using Runestone.Core.Logs;

namespace Runestone.LogQL.Filters;

/// <summary>
/// <c>|~ "(?i)text"</c> for an ASCII needle: finds its rarest byte (by English letter frequency)
/// in either case with a vectorised search, then compares the whole needle ignoring ASCII case.
/// </summary>
internal sealed class ContainsIgnoreCaseFilter : ILineFilter
{
    // Letters from most to least frequent; anything else (digits, punctuation) counts as rarest.
    private const string Frequency = "etaoinshrdlcumwfgypbvkjxqz";

    private readonly byte[] _needle;
    private readonly int _anchor;
    private readonly byte _lower;
    private readonly byte _upper;

    public ContainsIgnoreCaseFilter(byte[] asciiNeedle)
    {
        _needle = asciiNeedle;
        var best = -1;
        for (var i = 0; i < asciiNeedle.Length; i++)
        {
            var rank = Frequency.IndexOf(char.ToLowerInvariant((char)asciiNeedle[i]), StringComparison.Ordinal);
            rank = rank < 0 ? int.MaxValue : rank;
            if (rank > best)
            {
                best = rank;
                _anchor = i;
            }
        }

        _lower = (byte)char.ToLowerInvariant((char)asciiNeedle[_anchor]);
        _upper = (byte)char.ToUpperInvariant((char)asciiNeedle[_anchor]);
    }

    public bool Matches(ReadOnlySpan<byte> line)
    {
        var needle = _needle;
        var anchor = _anchor;
        var pos = anchor;
        while (line.Length - pos >= needle.Length - anchor)
        {
            var window = line[pos..(line.Length - (needle.Length - anchor - 1))];
            var i = _lower == _upper ? window.IndexOf(_lower) : window.IndexOfAny(_lower, _upper);
            if (i < 0)
            {
                return false;
            }

            var start = pos + i - anchor;
            if (Ascii.EqualsIgnoreCase(line.Slice(start, needle.Length), needle))
            {
                return true;
            }

            pos += i + 1;
        }

        return false;
    }

    // A substring search: what one line contains, any span around it contains.
    public bool MayMatchAny(ReadOnlySpan<byte> bytes) => Matches(bytes);
}
