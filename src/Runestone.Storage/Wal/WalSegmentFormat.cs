using System.Buffers.Binary;
using System.Globalization;

namespace Runestone.Storage.Wal;

/// <summary>
/// WAL segment layout: an 8-byte header (<c>"RSWL"</c>, version, 3 reserved) then records
/// <c>[u32 length][u32 crc32(type+payload)][u8 type][payload]</c>, little-endian.
/// </summary>
public static class WalSegmentFormat
{
    public const uint Magic = 0x4C575352; // "RSWL"
    public const byte Version = 1;
    public const int HeaderSize = 8;
    public const int RecordHeaderSize = 9;

    public static string FileName(long segment) => segment.ToString("D10", CultureInfo.InvariantCulture) + ".wal";

    public static bool TryParseFileName(string fileName, out long segment)
    {
        segment = 0;
        return fileName.EndsWith(".wal", StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, fileName.Length - 4), NumberStyles.None, CultureInfo.InvariantCulture, out segment);
    }

    public static void WriteHeader(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = Version;
        destination[5] = destination[6] = destination[7] = 0;
    }
}
