using System.Text;
using Prometheus;
using Runestone.Agent.Pipeline;

namespace Runestone.Agent.Metrics;

/// <summary>The agent's metrics under Promtail's names, in a registry of its own (one per agent instance).</summary>
public sealed class AgentMetrics
{
    public AgentMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        ReadBytes = f.CreateGauge("promtail_read_bytes_total", "Number of bytes read.", "path");
        FileBytes = f.CreateGauge("promtail_file_bytes_total", "Number of bytes total.", "path");
        ReadLines = f.CreateCounter("promtail_read_lines_total", "Number of lines read.", "path");
        FilesActive = f.CreateGauge("promtail_files_active_total", "Number of active files.");
        TargetsActive = f.CreateGauge("promtail_targets_active_total", "Number of active total.");
        EncodedBytes = f.CreateCounter("promtail_encoded_bytes_total", "Number of bytes encoded and ready to send.", "host");
        SentBytes = f.CreateCounter("promtail_sent_bytes_total", "Number of bytes sent.", "host");
        DroppedBytes = f.CreateCounter("promtail_dropped_bytes_total", "Number of bytes dropped because failed to be sent to the ingester after all retries.", "host", "reason");
        SentEntries = f.CreateCounter("promtail_sent_entries_total", "Number of log entries sent to the ingester.", "host");
        DroppedEntries = f.CreateCounter("promtail_dropped_entries_total", "Number of log entries dropped because failed to be sent to the ingester after all retries.", "host", "reason");
        RequestDuration = f.CreateHistogram("promtail_request_duration_seconds", "Duration of send requests.", new HistogramConfiguration { LabelNames = ["status_code", "host"] });
        BatchRetries = f.CreateCounter("promtail_batch_retries_total", "Number of times batches has had to be retried.", "host");
        StageDropped = f.CreateCounter("logentry_dropped_lines_total", "A count of all log lines dropped as a result of a pipeline stage", "reason");
        SyslogEntries = f.CreateCounter("promtail_syslog_target_entries_total", "Total number of successful entries sent to the syslog target");
        SyslogParsingErrors = f.CreateCounter("promtail_syslog_target_parsing_errors_total", "Total number of parsing errors while receiving syslog messages");
    }

    public CollectorRegistry Registry { get; }

    public CustomMetrics Custom { get; } = new();

    public Gauge ReadBytes { get; }

    public Gauge FileBytes { get; }

    public Counter ReadLines { get; }

    public Gauge FilesActive { get; }

    public Gauge TargetsActive { get; }

    public Counter EncodedBytes { get; }

    public Counter SentBytes { get; }

    public Counter DroppedBytes { get; }

    public Counter SentEntries { get; }

    public Counter DroppedEntries { get; }

    public Histogram RequestDuration { get; }

    public Counter BatchRetries { get; }

    public Counter StageDropped { get; }

    public Counter SyslogEntries { get; }

    public Counter SyslogParsingErrors { get; }

    /// <summary>All metrics in Prometheus text format, custom pipeline metrics last.</summary>
    public async Task<string> ExportAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(ms, cancellationToken).ConfigureAwait(false);
        var sb = new StringBuilder(Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length));
        Custom.WriteText(sb, now);
        return sb.ToString();
    }
}
