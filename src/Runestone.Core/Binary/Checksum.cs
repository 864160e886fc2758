using System.IO.Hashing;

namespace Runestone.Core.Binary;

/// <summary>CRC-32 (IEEE) used by every on-disk record and block.</summary>
public static class Checksum
{
    public static uint Compute(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(data);
}
