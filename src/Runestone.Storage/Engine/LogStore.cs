using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.Storage.Chunks;
using Runestone.Storage.Dedupe;
using Runestone.Storage.Index;
using Runestone.Storage.ObjectStore;
using Runestone.Storage.Wal;

namespace Runestone.Storage.Engine;

/// <summary>
/// The storage engine: streams per tenant, WAL-backed appends with group commit, head blocks
/// cut into compressed chunks in an object store, a persisted per-period index, and queries
/// over memory and chunks alike. Everything acknowledged is visible at once and survives a
/// crash (replayed from the WAL, never twice thanks to the chunk watermarks).
/// </summary>
public sealed class LogStore : IAsyncDisposable
{
    private readonly StoreOptions _options;
    private readonly IObjectStore _objects;
    private readonly IndexLog _index;
    private readonly StoredEntryIndex _stored;
    private readonly ConcurrentDictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);
    private readonly Lock _ingestLock = new();
    private readonly SemaphoreSlim _flushSignal = new(0);
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private WalWriter? _wal;
    private Task? _flushLoop;

    private LogStore(StoreOptions options, IObjectStore objects)
    {
        _options = options;
        _objects = objects;
        _index = new IndexLog(options.IndexDirectory);
        _stored = new StoredEntryIndex(_objects, options.DuplicateKeysCacheBytes);
    }

    public StoreCounters Counters { get; } = new();

    /// <summary>Called after chunks are persisted, with the cut reason and the number of chunks (for metrics).</summary>
    public Action<string, int>? ChunksFlushed { get; set; }

    /// <summary>Problems found while opening (torn WAL tails, torn index records), for the log.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Blocks of persisted chunks decoded to check late entries for duplicates (for tests).</summary>
    internal int DuplicateKeyBuilds => _stored.Builds;

    /// <summary>Streams currently holding unflushed data.</summary>
    public int MemoryStreams
    {
        get
        {
            var n = 0;
            foreach (var tenant in _tenants.Values)
            {
                foreach (var stream in tenant.Streams.Values)
                {
                    if (stream.HasMemoryData)
                    {
                        n++;
                    }
                }
            }

            return n;
        }
    }

    public IEnumerable<string> Tenants => _tenants.Keys;

    /// <summary>Opens the store: loads the index, replays the WAL, starts the WAL writer and flush loop.</summary>
    public static async Task<LogStore> OpenAsync(StoreOptions options, IObjectStore? objects = null, CancellationToken cancellationToken = default)
    {
        var store = new LogStore(options, objects ?? new FileSystemObjectStore(options.ChunksDirectory));
        await Task.Run(store.Recover, cancellationToken).ConfigureAwait(false);
        store._flushLoop = Task.Run(store.FlushLoopAsync, CancellationToken.None);
        return store;
    }

    public int StreamCount(string tenant) => _tenants.TryGetValue(tenant, out var t) ? t.Streams.Count : 0;

    public bool StreamExists(string tenant, ulong fingerprint) => _tenants.TryGetValue(tenant, out var t) && t.Streams.ContainsKey(fingerprint);

    /// <summary>Logs the entries to the WAL, applies them to memory, and completes when they are durable.</summary>
    public async ValueTask<AppendResult> AppendAsync(string tenant, IReadOnlyList<StreamAppend> streams, CancellationToken cancellationToken)
    {
        var tenantState = _tenants.GetOrAdd(tenant, static t => new TenantState(t));

        // Old entries may repeat entries of persisted chunks: read those chunks now, outside the
        // ingest lock (and before the thread-static WAL payload is filled).
        if (ChunksToCheck(tenantState, streams) is { } chunks)
        {
            await PrefetchAsync(chunks, cancellationToken).ConfigureAwait(false);
        }

        var payload = _wal is null ? null : SerializeEntries(tenant, streams);
        var touched = new StreamState[streams.Count];
        int stored = 0, duplicates = 0, created = 0;
        Task durable = Task.CompletedTask;
        var nowTicks = _options.Clock.GetUtcNow().UtcTicks;
        try
        {
            lock (_ingestLock)
            {
                for (var i = 0; i < streams.Count; i++)
                {
                    touched[i] = tenantState.GetOrAdd(streams[i].Labels, out var isNew);
                    if (isNew)
                    {
                        created++;
                    }
                }

                var position = 0L;
                if (_wal is not null)
                {
                    var seriesBytes = 0;
                    foreach (var stream in touched)
                    {
                        seriesBytes += WalSegmentFormat.RecordHeaderSize + System.Text.Encoding.UTF8.GetMaxByteCount(stream.LabelText.Length + tenant.Length) + 32;
                    }

                    _wal.EnsureRoom(WalSegmentFormat.RecordHeaderSize + payload!.WrittenCount + seriesBytes);
                    var segment = _wal.CurrentSegment;
                    foreach (var stream in touched)
                    {
                        if (stream.SeriesLoggedInSegment != segment)
                        {
                            var series = new ArrayBufferWriter<byte>(128);
                            WalRecords.WriteSeries(series, tenant, stream.Fingerprint, stream.LabelText);
                            _wal.Append(WalRecords.SeriesType, series.WrittenSpan);
                            stream.SeriesLoggedInSegment = segment;
                        }
                    }

                    (position, durable) = _wal.Append(WalRecords.EntriesType, payload!.WrittenSpan);
                    Counters.WalRecord(payload.WrittenCount);
                }

                for (var i = 0; i < streams.Count; i++)
                {
                    var stream = touched[i];
                    lock (stream.Lock)
                    {
                        foreach (var entry in streams[i].Entries)
                        {
                            if (stream.Append(entry.TimestampNs, entry.Line.Span, entry.Metadata, _options.BlockSize, nowTicks, _stored))
                            {
                                stored++;
                            }
                            else
                            {
                                duplicates++;
                            }
                        }

                        stream.LastAppliedWal = position;
                        if (stream.FirstUnflushedWal == long.MaxValue && stream.HasMemoryData)
                        {
                            stream.FirstUnflushedWal = position;
                        }
                    }
                }
            }
        }
        finally
        {
            if (payload is not null)
            {
                payload.ResetWrittenCount();
            }
        }

        var requestFlush = false;
        foreach (var stream in touched)
        {
            if (stream.SealFullHeads(_options.Encoding) >= _options.ChunkTargetSize)
            {
                requestFlush = true;
            }
        }

        if (requestFlush)
        {
            _flushSignal.Release();
        }

        await durable.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new AppendResult(stored, duplicates, created);
    }

    /// <summary>Iterators over the matching streams with data in [startNs, endNs); each opens its sources lazily.</summary>
    public IReadOnlyList<IEntryIterator> Select(string tenant, IReadOnlyList<LabelMatcher> matchers, long startNs, long endNs, Direction direction, ILineFilter? filter, QueryStatistics statistics)
    {
        if (!_tenants.TryGetValue(tenant, out var tenantState))
        {
            return [];
        }

        var result = new List<IEntryIterator>();
        foreach (var stream in tenantState.Match(matchers))
        {
            List<PendingSource> sources;
            lock (stream.Lock)
            {
                if (!stream.Overlaps(startNs, endNs))
                {
                    continue;
                }

                sources = Snapshot(stream);
            }

            result.Add(new StreamIterator(stream.Labels, sources, startNs, endNs, direction, filter, statistics, _objects));
        }

        return result;
    }

    /// <summary>Streams matching any of the matcher sets (all streams when none) with data in the range.</summary>
    public IReadOnlyList<LabelSet> Series(string tenant, IReadOnlyList<IReadOnlyList<LabelMatcher>> matcherSets, long startNs, long endNs)
    {
        if (!_tenants.TryGetValue(tenant, out var tenantState))
        {
            return [];
        }

        var seen = new HashSet<ulong>();
        var result = new List<LabelSet>();
        IEnumerable<IReadOnlyList<LabelMatcher>> sets = matcherSets.Count == 0 ? [Array.Empty<LabelMatcher>()] : matcherSets;
        foreach (var matchers in sets)
        {
            foreach (var stream in tenantState.Match(matchers))
            {
                bool overlaps;
                lock (stream.Lock)
                {
                    overlaps = stream.Overlaps(startNs, endNs);
                }

                if (overlaps && seen.Add(stream.Fingerprint))
                {
                    result.Add(stream.Labels);
                }
            }
        }

        return result;
    }

    /// <summary>Cuts every stream's memory into chunks and persists them now (Loki's /flush).</summary>
    public async Task FlushAllAsync(CancellationToken cancellationToken = default)
    {
        await FlushAsync(static (_, _) => "forced", cancellationToken).ConfigureAwait(false);
        // Everything is in chunks: start a new WAL segment so the old ones can go.
        lock (_ingestLock)
        {
            _wal?.Rotate();
        }

        TruncateWal();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_flushLoop is not null)
        {
            await _flushLoop.ConfigureAwait(false);
        }

        _wal?.Dispose();
        _stop.Dispose();
    }

    private static List<PendingSource> Snapshot(StreamState stream)
    {
        var sources = new List<PendingSource>();
        foreach (var chunk in stream.Chunks.All)
        {
            sources.Add(new PendingSource(chunk.MinTs, chunk.MaxTs, Chunk: chunk));
        }

        foreach (var flushing in stream.Flushing)
        {
            foreach (var lane in flushing.Lanes)
            {
                AddLane(sources, lane);
            }
        }

        AddLane(sources, stream.Main);
        AddLane(sources, stream.Late);
        return sources;
    }

    private static void AddLane(List<PendingSource> sources, Lane lane)
    {
        foreach (var block in lane.Sealed)
        {
            sources.Add(new PendingSource(block.MinTs, block.MaxTs, Block: block));
        }

        foreach (var head in lane.Full)
        {
            var snapshot = head.Snapshot();
            sources.Add(new PendingSource(snapshot.MinTs, snapshot.MaxTs, Head: snapshot));
        }

        if (lane.Head.Count > 0)
        {
            var snapshot = lane.Head.Snapshot();
            sources.Add(new PendingSource(snapshot.MinTs, snapshot.MaxTs, Head: snapshot));
        }
    }

    // The persisted chunks that entries of this push fall into, with those entries' timestamps.
    private static Dictionary<string, (ChunkRef Chunk, List<long> Timestamps)>? ChunksToCheck(TenantState tenant, IReadOnlyList<StreamAppend> streams)
    {
        Dictionary<string, (ChunkRef Chunk, List<long> Timestamps)>? result = null;
        List<ChunkRef>? covering = null;
        foreach (var append in streams)
        {
            if (!tenant.Streams.TryGetValue(append.Labels.Fingerprint, out var stream))
            {
                continue;
            }

            lock (stream.Lock)
            {
                var chunksMaxTs = stream.Chunks.MaxTs;
                if (chunksMaxTs == long.MinValue)
                {
                    continue;
                }

                foreach (var entry in append.Entries)
                {
                    if (entry.TimestampNs > chunksMaxTs)
                    {
                        continue;
                    }

                    covering ??= [];
                    covering.Clear();
                    stream.Chunks.Covering(entry.TimestampNs, covering);
                    foreach (var chunk in covering)
                    {
                        result ??= new(StringComparer.Ordinal);
                        if (!result.TryGetValue(chunk.Key, out var check))
                        {
                            result[chunk.Key] = check = (chunk, []);
                        }

                        check.Timestamps.Add(entry.TimestampNs);
                    }
                }
            }
        }

        return result;
    }

    private async Task PrefetchAsync(Dictionary<string, (ChunkRef Chunk, List<long> Timestamps)> chunks, CancellationToken cancellationToken)
    {
        foreach (var (chunk, timestamps) in chunks.Values)
        {
            try
            {
                await _stored.PrefetchAsync(chunk, timestamps, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The append checks again under the lock; a chunk that cannot be read there
                // cannot prove a duplicate, so the entry is stored.
            }
        }
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_payload;

    private static ArrayBufferWriter<byte> SerializeEntries(string tenant, IReadOnlyList<StreamAppend> streams)
    {
        var output = t_payload ??= new ArrayBufferWriter<byte>(1 << 20);
        output.ResetWrittenCount();
        WalRecords.WriteString(output, tenant);
        WalRecords.WriteVarint(output, (ulong)streams.Count);
        foreach (var stream in streams)
        {
            WalRecords.WriteUInt64(output, stream.Labels.Fingerprint);
            WalRecords.WriteVarint(output, (ulong)stream.Entries.Count);
            foreach (var entry in stream.Entries)
            {
                WalRecords.WriteVarint(output, Core.Binary.Varint.ZigZag(entry.TimestampNs));
                WalRecords.WriteBytes(output, entry.Line.Span);
                WalRecords.WriteMetadata(output, entry.Metadata);
            }
        }

        return output;
    }

    private void Recover()
    {
        _index.Load((tenant, labelText, chunk) =>
        {
            if (!LabelText.TryParse(labelText, out var labels, out var error))
            {
                Warnings.Add($"index: chunk {chunk.Key} has unreadable labels ({error}); skipped");
                return;
            }

            var stream = _tenants.GetOrAdd(tenant, static t => new TenantState(t)).GetOrAdd(labels, out _);
            stream.Chunks.Add(chunk);
            stream.FlushedThroughWal = Math.Max(stream.FlushedThroughWal, chunk.ThroughWalPosition);
            stream.MinTs = Math.Min(stream.MinTs, chunk.MinTs);
            stream.MaxTs = Math.Max(stream.MaxTs, chunk.MaxTs);
        });
        Warnings.AddRange(_index.Warnings);

        var nextSegment = 1L;
        if (_options.WalEnabled)
        {
            var reader = new WalReader(_options.WalDirectory);
            var streamsByTenant = new Dictionary<(string, ulong), StreamState>();
            var nowTicks = _options.Clock.GetUtcNow().UtcTicks;
            foreach (var segment in reader.Segments())
            {
                reader.ReadSegment(segment, (position, type, payload) =>
                {
                    try
                    {
                        Replay(position, type, payload, streamsByTenant, nowTicks);
                    }
                    catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidDataException)
                    {
                        Warnings.Add($"wal: record at segment {segment} offset {WalPosition.Offset(position)} is malformed ({ex.Message}); skipped");
                    }
                });
                nextSegment = segment + 1;
            }

            Warnings.AddRange(reader.Warnings);
            foreach (var tenant in _tenants.Values)
            {
                foreach (var stream in tenant.Streams.Values)
                {
                    stream.SealFullHeads(_options.Encoding);
                }
            }

            _wal = new WalWriter(_options.WalDirectory, nextSegment, _options.WalSync, _options.WalSegmentSize, _options.WalSyncInterval);
        }
    }

    private void Replay(long position, byte type, ReadOnlySpan<byte> payload, Dictionary<(string, ulong), StreamState> streams, long nowTicks)
    {
        if (type == WalRecords.SeriesType)
        {
            var (tenant, fp, labelText) = WalRecords.ReadSeries(payload);
            if (LabelText.TryParse(labelText, out var labels, out _))
            {
                streams[(tenant, fp)] = _tenants.GetOrAdd(tenant, static t => new TenantState(t)).GetOrAdd(labels, out _);
            }

            return;
        }

        if (type != WalRecords.EntriesType)
        {
            Warnings.Add($"wal: unknown record type {type} at segment {WalPosition.Segment(position)}; skipped");
            return;
        }

        var pos = 0;
        var tenantName = WalRecords.ReadString(payload, ref pos);
        var streamCount = (int)WalRecords.ReadVarint(payload, ref pos);
        for (var s = 0; s < streamCount; s++)
        {
            var fp = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(payload[pos..]);
            pos += 8;
            var entryCount = (int)WalRecords.ReadVarint(payload, ref pos);
            streams.TryGetValue((tenantName, fp), out var stream);
            if (stream is null && _tenants.TryGetValue(tenantName, out var t))
            {
                t.Streams.TryGetValue(fp, out stream);
            }

            var apply = stream is not null && position > stream.FlushedThroughWal;
            for (var e = 0; e < entryCount; e++)
            {
                var ts = Core.Binary.Varint.UnZigZag(WalRecords.ReadVarint(payload, ref pos));
                var line = WalRecords.ReadBytes(payload, ref pos);
                var metadata = WalRecords.ReadMetadata(payload, ref pos);
                if (apply)
                {
                    stream!.Append(ts, line, metadata, _options.BlockSize, nowTicks, _stored);
                }
            }

            if (apply)
            {
                stream!.LastAppliedWal = position;
                if (stream.FirstUnflushedWal == long.MaxValue && stream.HasMemoryData)
                {
                    stream.FirstUnflushedWal = position;
                }

                if (stream.Main.Full.Count + stream.Late.Full.Count > 4)
                {
                    stream.SealFullHeads(_options.Encoding);
                }
            }
            else if (stream is null)
            {
                Warnings.Add($"wal: entries for an unknown stream {fp:x16} of tenant '{tenantName}' at segment {WalPosition.Segment(position)}; skipped");
            }
        }
    }

    private async Task FlushLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _flushSignal.WaitAsync(_options.FlushCheckPeriod, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await FlushAsync(DueReason, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Counters.FlushFailed();
            }
        }
    }

    private string? DueReason(StreamState stream, long nowTicks)
    {
        if (!stream.HasMemoryData)
        {
            return null;
        }

        if (stream.Main.SealedBytes >= _options.ChunkTargetSize || stream.Late.SealedBytes >= _options.ChunkTargetSize)
        {
            return "full";
        }

        if (nowTicks - stream.LastAppendTicks >= _options.ChunkIdlePeriod.Ticks)
        {
            return "idle";
        }

        var oldest = Math.Min(stream.Main.IsEmpty ? long.MaxValue : stream.Main.CreatedAtTicks, stream.Late.IsEmpty ? long.MaxValue : stream.Late.CreatedAtTicks);
        if (nowTicks - oldest >= _options.MaxChunkAge.Ticks)
        {
            return "max_age";
        }

        if (_wal is not null && stream.FirstUnflushedWal != long.MaxValue)
        {
            var walSegments = _wal.CurrentSegment - WalPosition.Segment(stream.FirstUnflushedWal);
            if (walSegments * _options.WalSegmentSize > _options.WalMaxBytes)
            {
                return "wal_full";
            }
        }

        return null;
    }

    private async Task FlushAsync(Func<StreamState, long, string?> reasonOf, CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var nowTicks = _options.Clock.GetUtcNow().UtcTicks;
            Exception? firstFailure = null;
            foreach (var tenant in _tenants.Values)
            {
                foreach (var stream in tenant.Streams.Values)
                {
                    lock (stream.Lock)
                    {
                        if (reasonOf(stream, nowTicks) is { } reason)
                        {
                            Cut(stream, reason);
                        }
                    }

                    try
                    {
                        await PersistFlushingAsync(stream, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        // The data stays in memory and in the WAL; the next round retries.
                        Counters.FlushFailed();
                        firstFailure ??= ex;
                    }
                }
            }

            TruncateWal();
            if (firstFailure is not null)
            {
                throw new IOException("flushing chunks failed: " + firstFailure.Message, firstFailure);
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    // Caller holds stream.Lock.
    private static void Cut(StreamState stream, string reason)
    {
        var lanes = new List<Lane>(2);
        if (!stream.Main.IsEmpty)
        {
            lanes.Add(stream.Main);
        }

        if (!stream.Late.IsEmpty)
        {
            lanes.Add(stream.Late);
        }

        if (lanes.Count == 0)
        {
            return;
        }

        stream.Flushing.Add(new FlushingChunk(lanes, stream.LastAppliedWal, stream.FirstUnflushedWal, reason));
        stream.Main = new Lane();
        stream.Late = new Lane();
        stream.FirstUnflushedWal = long.MaxValue;
    }

    private async Task PersistFlushingAsync(StreamState stream, CancellationToken cancellationToken)
    {
        while (true)
        {
            FlushingChunk flushing;
            var laneBlocks = new List<(List<SealedBlock> Sealed, List<Head.HeadBlock> Heads, Lane Lane)>();
            lock (stream.Lock)
            {
                if (stream.Flushing.Count == 0)
                {
                    return;
                }

                flushing = stream.Flushing[0];
                foreach (var lane in flushing.Lanes)
                {
                    var heads = new List<Head.HeadBlock>(lane.Full);
                    if (lane.Head.Count > 0)
                    {
                        heads.Add(lane.Head);
                    }

                    laneBlocks.Add(([.. lane.Sealed], heads, lane));
                }
            }

            var refs = new List<ChunkRef>(laneBlocks.Count);
            foreach (var (sealedBlocks, heads, lane) in laneBlocks)
            {
                var blocks = new List<SealedBlock>(sealedBlocks);
                foreach (var head in heads)
                {
                    blocks.Add(head.Seal(_options.Encoding));
                }

                var data = ChunkFile.Write(stream.LabelText, blocks);
                long minTs = long.MaxValue, maxTs = long.MinValue, raw = 0;
                var entries = 0;
                foreach (var block in blocks)
                {
                    minTs = Math.Min(minTs, block.MinTs);
                    maxTs = Math.Max(maxTs, block.MaxTs);
                    raw += block.RawLength;
                    entries += block.Count;
                }

                var key = string.Create(CultureInfo.InvariantCulture, $"{stream.Tenant}/{stream.Fingerprint:x16}/{minTs:x16}-{maxTs:x16}-{Core.Binary.Checksum.Compute(data):x8}");
                await _objects.PutAsync(key, data, cancellationToken).ConfigureAwait(false);
                refs.Add(new ChunkRef(key, stream.Fingerprint, minTs, maxTs, data.Length, raw, entries, flushing.ThroughWal));
            }

            _index.Append(stream.Tenant, stream.LabelText, refs);
            lock (stream.Lock)
            {
                stream.Flushing.RemoveAt(0);
                foreach (var chunk in refs)
                {
                    stream.Chunks.Add(chunk);
                }

                stream.FlushedThroughWal = Math.Max(stream.FlushedThroughWal, flushing.ThroughWal);
            }

            Counters.ChunkFlushed(refs.Count);
            ChunksFlushed?.Invoke(flushing.Reason, refs.Count);
        }
    }

    private void TruncateWal()
    {
        if (_wal is null)
        {
            return;
        }

        var minPinned = long.MaxValue;
        foreach (var tenant in _tenants.Values)
        {
            foreach (var stream in tenant.Streams.Values)
            {
                lock (stream.Lock)
                {
                    minPinned = Math.Min(minPinned, stream.FirstUnflushedWal);
                    foreach (var flushing in stream.Flushing)
                    {
                        minPinned = Math.Min(minPinned, flushing.FirstUnflushedWal);
                    }
                }
            }
        }

        var keepFrom = minPinned == long.MaxValue ? _wal.CurrentSegment : WalPosition.Segment(minPinned);
        _wal.DeleteSegmentsBefore(keepFrom);
    }
}
