namespace Runestone.Storage.Head;

/// <summary>
/// A frozen view of a head block's first <see cref="Count"/> entries. Appends after the
/// snapshot never touch these entries or their bytes.
/// </summary>
public sealed class HeadSnapshot(HeadEntry[] entries, byte[][] pages, int count, long minTs, long maxTs, bool isSorted)
{
    private int[]? _order;

    public int Count => count;

    public long MinTs => minTs;

    public long MaxTs => maxTs;

    public ref readonly HeadEntry Entry(int index) => ref entries[index];

    public ReadOnlySpan<byte> Line(in HeadEntry entry) => pages[entry.Page].AsSpan(entry.Offset, entry.Length);

    /// <summary>Entry indices in timestamp order (arrival order breaks ties).</summary>
    public int[] SortedOrder()
    {
        if (_order is not null)
        {
            return _order;
        }

        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        if (!isSorted)
        {
            var keys = new long[count];
            for (var i = 0; i < count; i++)
            {
                keys[i] = entries[i].Timestamp;
            }

            // Array.Sort is not stable; tie-break on the index keeps arrival order.
            Array.Sort(order, (a, b) =>
            {
                var c = keys[a].CompareTo(keys[b]);
                return c != 0 ? c : a.CompareTo(b);
            });
        }

        _order = order;
        return order;
    }
}
