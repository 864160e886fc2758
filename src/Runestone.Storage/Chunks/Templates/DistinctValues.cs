using System.Runtime.CompilerServices;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>
/// The distinct values of a column, up to a small number, in order of first appearance: an
/// open-addressed table sized for that number, cheaper per value than a dictionary on the
/// encoder's hot path. Filled past its capacity it stops counting (Count = capacity + 1).
/// </summary>
internal sealed class DistinctValues
{
    private const int Slots = 256;
    private readonly ulong[] _keys = new ulong[Slots];
    private readonly short[] _indexes = new short[Slots];
    private readonly ulong[] _values;

    public DistinctValues(int capacity)
    {
        _values = new ulong[capacity + 1];
    }

    public int Count { get; private set; }

    public void Clear()
    {
        Array.Clear(_indexes);
        Count = 0;
    }

    public ulong ValueAt(int index) => _values[index];

    /// <summary>Adds a value unless present or the table is already past its capacity.</summary>
    public void Add(ulong value)
    {
        var slot = Find(value);
        if (_indexes[slot] == 0 && Count < _values.Length)
        {
            _keys[slot] = value;
            _values[Count] = value;
            _indexes[slot] = (short)++Count;
        }
    }

    /// <summary>The index of a value that was added.</summary>
    public int IndexOf(ulong value) => _indexes[Find(value)] - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ulong value)
    {
        var slot = (int)((value * 0x9E3779B97F4A7C15UL) >> 56);
        while (_indexes[slot] != 0 && _keys[slot] != value)
        {
            slot = (slot + 1) & (Slots - 1);
        }

        return slot;
    }
}
