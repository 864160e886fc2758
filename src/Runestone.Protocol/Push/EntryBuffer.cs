using System.Buffers;

namespace Runestone.Protocol.Push;

/// <summary>A growable pooled array of entries shared by every stream of one request.</summary>
internal struct EntryBuffer
{
    private PushEntry[]? _items;

    public int Count { get; private set; }

    public void Add(in PushEntry entry)
    {
        if (_items is null || Count == _items.Length)
        {
            Grow();
        }

        _items![Count++] = entry;
    }

    /// <summary>Hands the array to the caller (who returns it to the pool).</summary>
    public PushEntry[]? Detach()
    {
        var items = _items;
        _items = null;
        Count = 0;
        return items;
    }

    public void Release()
    {
        if (_items is not null)
        {
            ArrayPool<PushEntry>.Shared.Return(_items, clearArray: true);
            _items = null;
        }

        Count = 0;
    }

    private void Grow()
    {
        var next = ArrayPool<PushEntry>.Shared.Rent(_items is null ? 256 : _items.Length * 2);
        if (_items is not null)
        {
            _items.AsSpan(0, Count).CopyTo(next);
            ArrayPool<PushEntry>.Shared.Return(_items, clearArray: true);
        }

        _items = next;
    }
}
