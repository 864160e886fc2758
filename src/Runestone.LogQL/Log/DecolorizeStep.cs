namespace Runestone.LogQL.Log;

/// <summary><c>| decolorize</c>: removes ANSI escape sequences (ESC [ params final-byte).</summary>
internal sealed class DecolorizeStep : Stage
{
    private byte[] _buffer = new byte[256];

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        if (line.IndexOf((byte)0x1b) < 0)
        {
            return true;
        }

        if (_buffer.Length < line.Length)
        {
            _buffer = new byte[line.Length * 2];
        }

        var n = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var b = line[i];
            if (b == 0x1b && i + 1 < line.Length && line[i + 1] == (byte)'[')
            {
                var j = i + 2;
                while (j < line.Length && line[j] is >= 0x20 and <= 0x3f)
                {
                    j++;
                }

                if (j < line.Length && line[j] is >= 0x40 and <= 0x7e)
                {
                    i = j;
                    continue;
                }
            }

            _buffer[n++] = b;
        }

        line = _buffer.AsSpan(0, n);
        return true;
    }
}
