using System.Buffers;
using System.Text;
using Runestone.Core.Logs;

namespace Runestone.LogQL.Filters;

/// <summary>
/// <c>|~ "(?i)text"</c> for an ASCII needle: finds the first byte in either case with a vectorised
/// search, then compares the rest ignoring ASCII case.
/// </summary>
internal sealed class ContainsIgnoreCaseFilter : ILineFilter
{
    private readonly byte[] _needle;
    private readonly SearchValues<byte> _first;

    public ContainsIgnoreCaseFilter(byte[] asciiNeedle)
    {
        _needle = asciiNeedle;
        var c = asciiNeedle[0];
        _first = SearchValues.Create([(byte)char.ToLowerInvariant((char)c), (byte)char.ToUpperInvariant((char)c)]);
    }

    public bool Matches(ReadOnlySpan<byte> line)
    {
        var needle = _needle;
        while (line.Length >= needle.Length)
        {
            var i = line[..(line.Length - needle.Length + 1)].IndexOfAny(_first);
            if (i < 0)
            {
                return false;
            }

            if (Ascii.EqualsIgnoreCase(line.Slice(i, needle.Length), needle))
            {
                return true;
            }

            line = line[(i + 1)..];
        }

        return false;
    }
}
