using System.Runtime.CompilerServices;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>
/// Column numbers by context key (<see cref="TemplateSyntax.ContextKey"/>), numbered in order of
/// first appearance: an open-addressed table that both the encoder and the decoder fill for every
/// template of every block, so cheaper than a dictionary on that path. Clear is O(1) by epoch.
/// </summary>
internal sealed class ColumnKeys
{
    private ulong[] _keys = new ulong[512];
    private int[] _values = new int[512];
    private int[] _epochs = new int[512];
    private int _epoch = 1;

    public int Count { get; private set; }

    public void Clear()
    {
        Count = 0;
        if (++_epoch == int.MaxValue)
        {
            Array.Clear(_epochs);
            _epoch = 1;
        }
    }

    /// <summary>The column of <paramref name="key"/>, numbering it next when it is new.</summary>
    public int GetOrAdd(ulong key, out bool added)
    {
        var slot = Find(key);
        if (_epochs[slot] == _epoch)
        {
            added = false;
            return _values[slot];
        }

        added = true;
        _epochs[slot] = _epoch;
        _keys[slot] = key;
        _values[slot] = Count++;
        if (Count * 2 > _keys.Length)
        {
            Grow();
        }

        return Count - 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(ulong key)
    {
        var mask = _keys.Length - 1;
        var slot = (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask;
        while (_epochs[slot] == _epoch && _keys[slot] != key)
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

    private void Grow()
    {
        var keys = _keys;
        var values = _values;
        var epochs = _epochs;
        var epoch = _epoch;
        _keys = new ulong[keys.Length * 2];
        _values = new int[keys.Length * 2];
        _epochs = new int[keys.Length * 2];
        for (var i = 0; i < keys.Length; i++)
        {
            if (epochs[i] == epoch)
            {
                var slot = Find(keys[i]);
                _epochs[slot] = epoch;
                _keys[slot] = keys[i];
                _values[slot] = values[i];
            }
        }
    }
}
