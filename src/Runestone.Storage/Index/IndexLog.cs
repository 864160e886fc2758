using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Runestone.Core.Binary;
using Runestone.Storage.ObjectStore;
using Runestone.Storage.Wal;

namespace Runestone.Storage.Index;

/// <summary>
/// The persisted label index: per tenant and per 24h period, an append-only file of
/// checksummed records, each naming a chunk, its stream's labels and its time range. A chunk
/// spanning periods is recorded in each, so retention can drop whole period files. On start
/// the records rebuild the in-memory postings (label pair → streams).
/// </summary>
public sealed class IndexLog
{
    public static readonly long PeriodNanos = TimeSpan.FromHours(24).Ticks * 100;
    private readonly string _root;
    private readonly Lock _lock = new();

    public IndexLog(string root)
    {
        _root = root;
        Directory.CreateDirectory(root);
    }

    public List<string> Warnings { get; } = [];

    public static long PeriodOf(long timestampNs) => timestampNs >= 0 ? timestampNs / PeriodNanos : ((timestampNs + 1) / PeriodNanos) - 1;

    /// <summary>
    /// Appends one record naming all <paramref name="chunks"/> of a stream (written together,
    /// so a crash leaves all or none indexed) to every period file they overlap, and fsyncs.
    /// </summary>
    public void Append(string tenant, string labels, IReadOnlyList<ChunkRef> chunks)
    {
        var payload = new ArrayBufferWriter<byte>(256);
        WalRecords.WriteString(payload, labels);
        WalRecords.WriteVarint(payload, (ulong)chunks.Count);
        long minTs = long.MaxValue, maxTs = long.MinValue;
        foreach (var chunk in chunks)
        {
            WalRecords.WriteString(payload, chunk.Key);
            WalRecords.WriteUInt64(payload, chunk.Fingerprint);
            WalRecords.WriteVarint(payload, Varint.ZigZag(chunk.MinTs));
            WalRecords.WriteVarint(payload, Varint.ZigZag(chunk.MaxTs));
            WalRecords.WriteVarint(payload, (ulong)chunk.CompressedSize);
            WalRecords.WriteVarint(payload, (ulong)chunk.RawSize);
            WalRecords.WriteVarint(payload, (ulong)chunk.Entries);
            WalRecords.WriteVarint(payload, Varint.ZigZag(chunk.ThroughWalPosition));
            minTs = Math.Min(minTs, chunk.MinTs);
            maxTs = Math.Max(maxTs, chunk.MaxTs);
        }

        var record = new byte[8 + payload.WrittenCount];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payload.WrittenCount);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Checksum.Compute(payload.WrittenSpan));
        payload.WrittenSpan.CopyTo(record.AsSpan(8));

        var directory = Path.Combine(_root, tenant);
        lock (_lock)
        {
            var created = !Directory.Exists(directory);
            Directory.CreateDirectory(directory);
            for (var period = PeriodOf(minTs); period <= PeriodOf(maxTs); period++)
            {
                var path = Path.Combine(directory, period.ToString(CultureInfo.InvariantCulture) + ".idx");
                var isNew = !File.Exists(path);
                using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
                file.Write(record);
                file.Flush(flushToDisk: true);
                if (isNew)
                {
                    DirectorySync.Fsync(directory);
                }
            }

            if (created)
            {
                DirectorySync.Fsync(_root);
            }
        }
    }

    /// <summary>Every intact record of every tenant; a torn tail record is cut off and reported.</summary>
    public void Load(Action<string, string, ChunkRef> onChunk)
    {
        foreach (var tenantDir in Directory.EnumerateDirectories(_root))
        {
            var tenant = Path.GetFileName(tenantDir);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in Directory.EnumerateFiles(tenantDir, "*.idx").Order(StringComparer.Ordinal))
            {
                var data = File.ReadAllBytes(path);
                var offset = 0;
                while (offset + 8 <= data.Length)
                {
                    var length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));
                    if (length > data.Length - offset - 8)
                    {
                        break;
                    }

                    if (Checksum.Compute(data.AsSpan(offset + 8, (int)length)) != BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 4))
                        || !TryReadRecord(tenant, data.AsSpan(offset + 8, (int)length), seen, onChunk))
                    {
                        Warnings.Add($"index: {path} has a corrupt record at offset {offset}; skipped (its chunks are not queryable until the index is rebuilt)");
                    }

                    offset += 8 + (int)length;
                }

                if (offset != data.Length)
                {
                    Warnings.Add($"index: {path} ends with a torn record at offset {offset}; truncated (the chunk's data is replayed from the WAL)");
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
                    file.SetLength(offset);
                    file.Flush(flushToDisk: true);
                }
            }
        }
    }

    private static bool TryReadRecord(string tenant, ReadOnlySpan<byte> payload, HashSet<string> seen, Action<string, string, ChunkRef> onChunk)
    {
        try
        {
            var pos = 0;
            var labels = WalRecords.ReadString(payload, ref pos);
            var count = (int)WalRecords.ReadVarint(payload, ref pos);
            for (var i = 0; i < count; i++)
            {
                var key = WalRecords.ReadString(payload, ref pos);
                var fp = BinaryPrimitives.ReadUInt64LittleEndian(payload[pos..]);
                pos += 8;
                var minTs = Varint.UnZigZag(WalRecords.ReadVarint(payload, ref pos));
                var maxTs = Varint.UnZigZag(WalRecords.ReadVarint(payload, ref pos));
                var compressed = (int)WalRecords.ReadVarint(payload, ref pos);
                var raw = (long)WalRecords.ReadVarint(payload, ref pos);
                var entries = (int)WalRecords.ReadVarint(payload, ref pos);
                var through = Varint.UnZigZag(WalRecords.ReadVarint(payload, ref pos));
                if (seen.Add(key))
                {
                    onChunk(tenant, labels, new ChunkRef(key, fp, minTs, maxTs, compressed, raw, entries, through));
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidDataException)
        {
            return false;
        }
    }
}
