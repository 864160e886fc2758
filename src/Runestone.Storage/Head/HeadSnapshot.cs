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
            // Sorted as (timestamp, index) pairs: the index breaks ties, so arrival order is kept
            // although the sort is not stable.
            var keys = new (long Timestamp, int Index)[count];
            for (var i = 0; i < count; i++)
            {
                keys[i] = (entries[i].Timestamp, i);
            }

            keys.AsSpan().Sort(default(TimestampThenIndex));
            for (var i = 0; i < count; i++)
            {
                order[i] = keys[i].Index;
            }
        }

        _order = order;
        return order;
    }

    private readonly struct TimestampThenIndex : IComparer<(long Timestamp, int Index)>
    {
        public int Compare((long Timestamp, int Index) x, (long Timestamp, int Index) y)
        {
            var c = x.Timestamp.CompareTo(y.Timestamp);
            return c != 0 ? c : x.Index.CompareTo(y.Index);
        }
    }
}
