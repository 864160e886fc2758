using System.Buffers.Binary;
using Runestone.Core.Binary;

namespace Runestone.Storage.Wal;

/// <summary>
/// Reads WAL segments in order for replay. A torn or corrupt record ends its segment (a crash
/// can only tear the tail); the problem is reported through <see cref="Warnings"/>.
/// </summary>
public sealed class WalReader
{
    private readonly string _directory;

    public WalReader(string directory) => _directory = directory;

    public List<string> Warnings { get; } = [];

    /// <summary>Segment numbers present, ascending.</summary>
    public IReadOnlyList<long> Segments()
    {
        var result = new List<long>();
        if (Directory.Exists(_directory))
        {
            foreach (var path in Directory.EnumerateFiles(_directory, "*.wal"))
            {
                if (WalSegmentFormat.TryParseFileName(Path.GetFileName(path), out var number))
                {
                    result.Add(number);
                }
            }
        }

        result.Sort();
        return result;
    }

    /// <summary>Calls <paramref name="onRecord"/> for every intact record of a segment, in order.</summary>
    public void ReadSegment(long segment, WalRecordHandler onRecord)
    {
        var path = Path.Combine(_directory, WalSegmentFormat.FileName(segment));
        var data = File.ReadAllBytes(path);
        if (data.Length < WalSegmentFormat.HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(data) != WalSegmentFormat.Magic)
        {
            Warnings.Add($"wal: segment {path} has no valid header; skipped");
            return;
        }

        if (data[4] != WalSegmentFormat.Version)
        {
            throw new InvalidDataException($"wal: segment {path} has format version {data[4]}, this build reads {WalSegmentFormat.Version}; upgrade Runestone");
        }

        var offset = WalSegmentFormat.HeaderSize;
        while (offset + WalSegmentFormat.RecordHeaderSize <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
            if (length > data.Length - offset - WalSegmentFormat.RecordHeaderSize)
            {
                Warnings.Add($"wal: segment {segment} ends with a torn record at offset {offset}; it was never acknowledged");
                return;
            }

            var crc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 4));
            var body = data.AsSpan(offset + 8, (int)length + 1);
            if (Checksum.Compute(body) != crc)
            {
                Warnings.Add($"wal: segment {segment} has a corrupt record at offset {offset}; the rest of the segment is ignored");
                return;
            }

            onRecord(WalPosition.Make(segment, offset), body[0], body[1..]);
            offset += WalSegmentFormat.RecordHeaderSize + (int)length;
        }

        if (offset != data.Length)
        {
            Warnings.Add($"wal: segment {segment} ends with a torn record header at offset {offset}");
        }
    }
}

/// <summary>Receives one WAL record during replay.</summary>
public delegate void WalRecordHandler(long position, byte type, ReadOnlySpan<byte> payload);
