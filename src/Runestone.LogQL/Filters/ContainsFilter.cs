using System.Buffers;
using Runestone.Core.Logs;

namespace Runestone.LogQL.Filters;

/// <summary><c>|= "text"</c>: a vectorised substring search on the UTF-8 bytes.</summary>
internal sealed class ContainsFilter(byte[] needle) : ILineFilter
{
    public byte[] Needle { get; } = needle;

    public bool Matches(ReadOnlySpan<byte> line) => line.IndexOf(Needle) >= 0;

    // A line containing the needle makes every span around it contain the needle too.
    public bool MayMatchAny(ReadOnlySpan<byte> bytes) => Matches(bytes);

    // Each run of the needle free of variable bytes was static text in the matching line.
    public bool MayMatchAnyStatic(ReadOnlySpan<byte> staticText, SearchValues<byte> variableBytes)
    {
        var rest = Needle.AsSpan();
        while (!rest.IsEmpty)
        {
            var cut = rest.IndexOfAny(variableBytes);
            var piece = cut < 0 ? rest : rest[..cut];
            if (!piece.IsEmpty && staticText.IndexOf(piece) < 0)
            {
                return false;
            }

            if (cut < 0)
            {
                break;
            }

            rest = rest[(cut + 1)..];
        }

        return true;
    }
}
