using Runestone.Core.Binary;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>Bounded varint reads for the template sections: a value out of range means a damaged block.</summary>
internal static class SectionVarint
{
    public static ulong Read(ReadOnlySpan<byte> source, ref int pos, ulong max)
    {
        var n = Varint.TryRead(source[pos..], out var value);
        if (n == 0 || value > max)
        {
            throw new InvalidDataException("template block varint is corrupt");
        }

        pos += n;
        return value;
    }

    public static int ReadInt(ReadOnlySpan<byte> source, ref int pos, int max) => (int)Read(source, ref pos, (ulong)Math.Max(0, max));
}
