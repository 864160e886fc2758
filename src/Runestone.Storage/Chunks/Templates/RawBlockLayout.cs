using Runestone.Core.Binary;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>Where the columns of a raw block (<see cref="BlockFormat"/>) start, found by walking its varints.</summary>
internal readonly record struct RawBlockLayout(int Count, int TimestampsOffset, int LengthsOffset, int MetadataOffset, int LinesOffset)
{
    /// <summary>
    /// Parses the layout; line lengths go to <paramref name="lengths"/> (grown when short). False
    /// when the bytes are not exactly one raw block.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> raw, ref int[] lengths, out RawBlockLayout layout)
    {
        layout = default;
        var pos = 0;
        if (!TryRead(raw, ref pos, out var count) || count > raw.Length)
        {
            return false;
        }

        if (lengths.Length < count)
        {
            lengths = new int[Math.Max(count, lengths.Length * 2)];
        }

        var timestamps = pos;
        for (var i = 0; i < count; i++)
        {
            var n = Varint.TryRead(raw[pos..], out _);
            if (n == 0)
            {
                return false;
            }

            pos += n;
        }

        var lengthsOffset = pos;
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            if (!TryRead(raw, ref pos, out lengths[i]))
            {
                return false;
            }

            total += lengths[i];
        }

        var metadata = pos;
        for (var i = 0; i < count; i++)
        {
            if (!TryRead(raw, ref pos, out var pairs))
            {
                return false;
            }

            for (var p = 0; p < pairs * 2; p++)
            {
                if (!TryRead(raw, ref pos, out var length) || length > raw.Length - pos)
                {
                    return false;
                }

                pos += length;
            }
        }

        if (pos + total != raw.Length)
        {
            return false;
        }

        layout = new RawBlockLayout(count, timestamps, lengthsOffset, metadata, pos);
        return true;
    }

    private static bool TryRead(ReadOnlySpan<byte> raw, ref int pos, out int value)
    {
        var n = Varint.TryRead(raw[pos..], out var v);
        value = (int)Math.Min(v, int.MaxValue);
        if (n == 0 || v > int.MaxValue)
        {
            return false;
        }

        pos += n;
        return true;
    }
}
