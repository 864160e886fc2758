namespace Runestone.Agent.Shipping;

/// <summary>
/// What every client confirmed of one source: offsets grow as entries are read, each client
/// acknowledges the offsets it shipped, and <see cref="Committed"/> is the lowest of them, the
/// point a restart may resume from. Not thread-safe: the owning source locks around it.
/// </summary>
public sealed class ClientAcks
{
    private readonly long[] _acked;

    // The furthest offset that shipped nothing and waits for the entries handed before it.
    private long _skippable;

    public ClientAcks(int clients)
    {
        _acked = new long[Math.Max(1, clients)];
    }

    /// <summary>The offset every client confirmed (-1 before the first <see cref="Reset"/>).</summary>
    public long Committed { get; private set; } = -1;

    /// <summary>The offset of the last entries handed to the sink.</summary>
    public long Handed { get; set; }

    /// <summary>Starts over at <paramref name="offset"/>: nothing is in flight.</summary>
    public void Reset(long offset)
    {
        Array.Fill(_acked, offset);
        Committed = offset;
        Handed = offset;
        _skippable = offset;
    }

    /// <summary>Client <paramref name="clientIndex"/> confirmed up to <paramref name="offset"/>; true when <see cref="Committed"/> moved.</summary>
    public bool TryAck(int clientIndex, long offset)
    {
        if ((uint)clientIndex >= (uint)_acked.Length)
        {
            return false;
        }

        _acked[clientIndex] = Math.Max(_acked[clientIndex], offset);
        var min = _acked.Min();
        if (min >= Handed && _skippable > min)
        {
            // Everything handed is confirmed, and what followed was dropped: move past it too.
            Array.Fill(_acked, _skippable);
            min = _skippable;
        }

        if (min <= Committed)
        {
            return false;
        }

        Committed = min;
        return true;
    }

    /// <summary>
    /// Entries up to <paramref name="offset"/> produced nothing to ship (dropped by a stage): the
    /// position moves there, but only once every client confirmed everything handed before
    /// (at once, or with the acknowledgement that completes them).
    /// </summary>
    public bool TrySkipTo(long offset)
    {
        if (offset <= Committed)
        {
            return false;
        }

        if (_acked.Min() < Handed)
        {
            _skippable = Math.Max(_skippable, offset);
            return false;
        }

        for (var i = 0; i < _acked.Length; i++)
        {
            _acked[i] = Math.Max(_acked[i], offset);
        }

        Committed = offset;
        return true;
    }
}
