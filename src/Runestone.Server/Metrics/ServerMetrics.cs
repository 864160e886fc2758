using System.Diagnostics;
using Prometheus;

namespace Runestone.Server.Metrics;

/// <summary>
/// The server's Prometheus metrics, with Loki's names (and the seed's) so that existing dashboards
/// and alerts work. Each instance has its own <see cref="CollectorRegistry"/>, never the static
/// default, so several servers can live in one process (tests). Runestone-only metrics use the
/// <c>runestone_</c> prefix.
/// </summary>
public sealed class ServerMetrics
{
    /// <summary>The Content-Type of <see cref="ExportAsync"/>'s output (Prometheus text format 0.0.4).</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Request latencies: 1 ms to 100 s, like Loki's HTTP middleware range.
    private static readonly double[] s_requestBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100];

    // fsync latencies: 50 µs to 1 s.
    private static readonly double[] s_fsyncBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    private readonly Counter _linesReceived;
    private readonly Counter _bytesReceived;
    private readonly Counter _discardedSamples;
    private readonly Counter _discardedBytes;
    private readonly Counter _mutatedSamples;
    private readonly Counter _mutatedBytes;
    private readonly Counter _duplicateEntries;
    private readonly Counter _streamsCreated;
    private readonly Counter _streamsRemoved;
    private readonly Gauge _memoryStreams;
    private readonly Gauge _streamsTotal;
    private readonly Counter _chunksCreated;
    private readonly Counter _chunksFlushed;
    private readonly Gauge _memoryChunks;
    private readonly Counter _walRecords;
    private readonly Counter _walBytes;
    private readonly Counter _walDiskFull;
    private readonly Gauge _walReplayActive;
    private readonly Gauge _walReplayDuration;
    private readonly Histogram _walFsync;
    private readonly Histogram _queryDuration;
    private readonly Histogram _requestDuration;
    private readonly Gauge _buildInfo;
    private readonly Gauge _residentMemory;
    private readonly Counter _cpuSeconds;

    public ServerMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);

        _linesReceived = f.CreateCounter("loki_distributor_lines_received_total", "The total number of lines received per tenant.", "tenant");
        _bytesReceived = f.CreateCounter("loki_distributor_bytes_received_total", "The total number of uncompressed bytes received per tenant (line and structured metadata).", "tenant");
        _discardedSamples = f.CreateCounter("loki_discarded_samples_total", "The total number of samples that were discarded.", "reason", "tenant");
        _discardedBytes = f.CreateCounter("loki_discarded_bytes_total", "The total number of bytes that were discarded.", "reason", "tenant");
        _mutatedSamples = f.CreateCounter("loki_mutated_samples_total", "The total number of samples that have been mutated (truncated lines).", "reason", "tenant");
        _mutatedBytes = f.CreateCounter("loki_mutated_bytes_total", "The total number of bytes that have been mutated (cut off truncated lines).", "reason", "tenant");

        _duplicateEntries = f.CreateCounter("runestone_ingester_duplicate_entries_total", "Entries not stored because their stream already holds one with the same timestamp and line.", "tenant");
        _streamsCreated = f.CreateCounter("loki_ingester_streams_created_total", "The total number of streams created per tenant.", "tenant");
        _streamsRemoved = f.CreateCounter("loki_ingester_streams_removed_total", "The total number of streams removed per tenant.", "tenant");
        _memoryStreams = f.CreateGauge("loki_ingester_memory_streams", "The total number of streams in memory per tenant.", "tenant");
        _streamsTotal = f.CreateGauge("loki_ingester_streams_total", "The number of active streams per tenant (the seed's name; same value as loki_ingester_memory_streams).", "tenant");
        _chunksCreated = f.CreateCounter("loki_ingester_chunks_created_total", "The total number of chunks created in the ingester.");
        _chunksFlushed = f.CreateCounter("loki_ingester_chunks_flushed_total", "Total flushed chunks per reason.", "reason");
        _memoryChunks = f.CreateGauge("loki_ingester_memory_chunks", "The total number of chunks in memory.");

        _walRecords = f.CreateCounter("loki_ingester_wal_records_logged_total", "Total number of WAL records logged.");
        _walBytes = f.CreateCounter("loki_ingester_wal_logged_bytes_total", "Total bytes written to the WAL.");
        _walDiskFull = f.CreateCounter("loki_ingester_wal_disk_full_failures_total", "Total number of pushes refused because the WAL disk was full.");
        _walReplayActive = f.CreateGauge("loki_ingester_wal_replay_active", "Whether the WAL is replaying.");
        _walReplayDuration = f.CreateGauge("loki_ingester_wal_replay_duration_seconds", "Time taken to replay the WAL at start.");
        _walFsync = f.CreateHistogram("runestone_wal_fsync_duration_seconds", "Duration of WAL fsyncs (one per group commit).", new HistogramConfiguration { Buckets = s_fsyncBuckets });

        _queryDuration = f.CreateHistogram("loki_query_duration_seconds", "Duration of queries by endpoint.", new HistogramConfiguration { LabelNames = ["endpoint"], Buckets = s_requestBuckets });
        _requestDuration = f.CreateHistogram("loki_request_duration_seconds", "Time (in seconds) spent serving HTTP requests.", new HistogramConfiguration { LabelNames = ["method", "route", "status_code", "ws"], Buckets = s_requestBuckets });

        _buildInfo = f.CreateGauge("loki_build_info", "A metric with a constant '1' value labeled by version, revision, branch and goversion (the runtime version here).", "version", "revision", "branch", "goversion");
        _residentMemory = f.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        _cpuSeconds = f.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
        var start = f.CreateGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.");
        using (var process = Process.GetCurrentProcess())
        {
            start.Set(new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        }

        Registry.AddBeforeCollectCallback(UpdateProcessMetrics);
    }

    /// <summary>The registry behind these metrics, for collectors the caller adds itself.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Accepted lines of one push: <paramref name="bytes"/> counts line and structured-metadata bytes.</summary>
    public void LinesReceived(string tenant, long lines, long bytes)
    {
        _linesReceived.WithLabels([tenant]).Inc(lines);
        _bytesReceived.WithLabels([tenant]).Inc(bytes);
    }

    /// <summary>Entries refused for <paramref name="reason"/> (one of <see cref="Limits.DiscardReasons"/>).</summary>
    public void Discarded(string reason, string tenant, long lines, long bytes)
    {
        _discardedSamples.WithLabels([reason, tenant]).Inc(lines);
        _discardedBytes.WithLabels([reason, tenant]).Inc(bytes);
    }

    /// <summary>Entries stored altered (truncated lines): <paramref name="bytes"/> is what was cut off.</summary>
    public void Mutated(string reason, string tenant, long lines, long bytes)
    {
        _mutatedSamples.WithLabels([reason, tenant]).Inc(lines);
        _mutatedBytes.WithLabels([reason, tenant]).Inc(bytes);
    }

    /// <summary>Entries of a push that the store already held (retries), so were not stored again.</summary>
    public void DuplicatesDropped(string tenant, long entries)
    {
        if (entries > 0)
        {
            _duplicateEntries.WithLabels([tenant]).Inc(entries);
        }
    }

    public void StreamCreated(string tenant)
    {
        _streamsCreated.WithLabels([tenant]).Inc();
        _memoryStreams.WithLabels([tenant]).Inc();
        _streamsTotal.WithLabels([tenant]).Inc();
    }

    public void StreamRemoved(string tenant)
    {
        _streamsRemoved.WithLabels([tenant]).Inc();
        _memoryStreams.WithLabels([tenant]).Dec();
        _streamsTotal.WithLabels([tenant]).Dec();
    }

    /// <summary>Sets a tenant's active stream count outright (after WAL replay, for example).</summary>
    public void SetActiveStreams(string tenant, long streams)
    {
        _memoryStreams.WithLabels([tenant]).Set(streams);
        _streamsTotal.WithLabels([tenant]).Set(streams);
    }

    public void ChunkCreated() => _chunksCreated.Inc();

    /// <summary>A chunk was persisted for <paramref name="reason"/> (one of <see cref="FlushReasons"/>).</summary>
    public void ChunkFlushed(string reason) => _chunksFlushed.WithLabels([reason]).Inc();

    public void SetMemoryChunks(long chunks) => _memoryChunks.Set(chunks);

    public void WalRecordLogged(long bytes)
    {
        _walRecords.Inc();
        _walBytes.Inc(bytes);
    }

    public void WalDiskFull() => _walDiskFull.Inc();

    public void WalFsync(double seconds) => _walFsync.Observe(seconds);

    public void WalReplayStarted() => _walReplayActive.Set(1);

    public void WalReplayFinished(double seconds)
    {
        _walReplayActive.Set(0);
        _walReplayDuration.Set(seconds);
    }

    /// <summary>A query served by <paramref name="endpoint"/> (query_range, query, labels, label_values, series, tail, ...).</summary>
    public void ObserveQuery(string endpoint, double seconds) => _queryDuration.WithLabels([endpoint]).Observe(seconds);

    /// <summary>
    /// An HTTP request, labelled like Loki's middleware: <paramref name="route"/> is the route template
    /// with slashes turned into underscores (e.g. <c>loki_api_v1_push</c>), never the raw path.
    /// </summary>
    public void ObserveRequest(string method, string route, int status, double seconds, bool websocket = false) =>
        _requestDuration.WithLabels([method, route, StatusText(status), websocket ? "true" : "false"]).Observe(seconds);

    public void SetBuildInfo(string version, string revision, string branch) =>
        _buildInfo.WithLabels([version, revision, branch, Environment.Version.ToString()]).Set(1);

    /// <summary>Writes every metric in the Prometheus text format.</summary>
    public async ValueTask ExportAsync(Stream destination, CancellationToken cancellationToken)
    {
        await Registry.CollectAndExportAsTextAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Synchronous <see cref="ExportAsync"/>, for tests and <c>-print</c>-style tools.</summary>
    public void WriteTo(Stream destination) => ExportAsync(destination, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    private static string StatusText(int status) => status switch
    {
        200 => "200",
        204 => "204",
        400 => "400",
        401 => "401",
        404 => "404",
        429 => "429",
        500 => "500",
        503 => "503",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private void UpdateProcessMetrics()
    {
        using var process = Process.GetCurrentProcess();
        _residentMemory.Set(process.WorkingSet64);
        _cpuSeconds.IncTo(process.TotalProcessorTime.TotalSeconds);
    }
}
