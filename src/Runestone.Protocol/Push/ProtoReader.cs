namespace Runestone.Protocol.Push;

/// <summary>
/// A forward-only protobuf reader over a span. Every method returns false instead of throwing
/// when the input is truncated or malformed; positions are absolute within the span.
/// </summary>
internal ref struct ProtoReader
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLength = 2;
    public const int WireFixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _end;

    public ProtoReader(ReadOnlySpan<byte> data, int start, int end)
    {
        _data = data;
        Position = start;
        _end = end;
    }

    public int Position { get; private set; }

    public readonly bool AtEnd => Position >= _end;

    public readonly int Remaining => _end - Position;

    public bool TryReadVarint(out ulong value)
    {
        // Tags and short lengths are one byte: the common case stays tiny.
        if (Position < _end && _data[Position] < 0x80)
        {
            value = _data[Position++];
            return true;
        }

        value = 0;
        var shift = 0;
        var pos = Position;
        while (pos < _end)
        {
            var b = _data[pos++];
            if (shift == 63 && b > 1)
            {
                return false; // more than 64 bits
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                Position = pos;
                return true;
            }

            shift += 7;
            if (shift > 63)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Reads a field key; the field number is validated to be in protobuf's range.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (!TryReadVarint(out var key) || key > uint.MaxValue)
        {
            return false;
        }

        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        return field > 0;
    }

    /// <summary>Reads a length prefix and returns the absolute [start, end) of the payload.</summary>
    public bool TryReadLength(out int start, out int end)
    {
        start = end = 0;
        if (!TryReadVarint(out var length) || length > (ulong)Remaining)
        {
            return false;
        }

        start = Position;
        end = start + (int)length;
        Position = end;
        return true;
    }

    /// <summary>Skips a field of any wire type except the deprecated groups.</summary>
    public bool TrySkip(int wireType)
    {
        switch (wireType)
        {
            case WireVarint:
                return TryReadVarint(out _);
            case WireFixed64:
                return Advance(8);
            case WireLength:
                return TryReadLength(out _, out _);
            case WireFixed32:
                return Advance(4);
            default:
                return false;
        }
    }

    private bool Advance(int count)
    {
        if (Remaining < count)
        {
            return false;
        }

        Position += count;
        return true;
    }
}
