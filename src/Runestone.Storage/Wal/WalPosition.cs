namespace Runestone.Storage.Wal;

/// <summary>A WAL position packs the segment number and the byte offset in it into one ordered long.</summary>
public static class WalPosition
{
    private const int OffsetBits = 40;

    public static long Make(long segment, long offset) => (segment << OffsetBits) | offset;

    public static long Segment(long position) => position >> OffsetBits;

    public static long Offset(long position) => position & ((1L << OffsetBits) - 1);
}
