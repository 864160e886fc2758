using System.Text;
using Runestone.Server.Limits;
using Runestone.Server.Metrics;
using Xunit;

namespace Runestone.Server.Tests.Metrics;

public sealed class ServerMetricsTests
{
    private static string Scrape(ServerMetrics metrics)
    {
        using var stream = new MemoryStream();
        metrics.WriteTo(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void AssertSample(string text, string sample)
    {
        Assert.Contains("\n" + sample + "\n", "\n" + text, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrape_has_the_seeds_and_Lokis_metric_names()
    {
        var metrics = new ServerMetrics();
        metrics.LinesReceived("fake", 10, 1000);
        metrics.StreamCreated("fake");
        metrics.ChunkFlushed(FlushReasons.Full);
        metrics.ObserveQuery("query_range", 0.02);
        metrics.ObserveRequest("POST", "loki_api_v1_push", 204, 0.003);
        metrics.Discarded(DiscardReasons.RateLimited, "fake", 1, 10);
        metrics.WalRecordLogged(100);

        var text = Scrape(metrics);

        foreach (var name in new[]
        {
            "loki_distributor_lines_received_total", "loki_distributor_bytes_received_total",
            "loki_ingester_streams_total", "loki_ingester_memory_streams", "loki_ingester_streams_created_total",
            "loki_ingester_chunks_flushed_total", "loki_query_duration_seconds", "loki_request_duration_seconds",
            "loki_discarded_samples_total", "loki_discarded_bytes_total", "loki_ingester_wal_records_logged_total",
            "loki_ingester_wal_logged_bytes_total", "process_resident_memory_bytes", "process_cpu_seconds_total",
        })
        {
            Assert.Contains($"# TYPE {name} ", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Counters_and_gauges_carry_their_labels_and_values()
    {
        var metrics = new ServerMetrics();
        metrics.LinesReceived("team-a", 10, 1000);
        metrics.LinesReceived("team-a", 5, 500);
        metrics.LinesReceived("team-b", 1, 7);
        metrics.Discarded(DiscardReasons.LineTooLong, "team-a", 2, 600_000);
        metrics.StreamCreated("team-a");
        metrics.StreamCreated("team-a");
        metrics.StreamRemoved("team-a");
        metrics.ChunkFlushed(FlushReasons.Idle);
        metrics.ChunkFlushed(FlushReasons.Idle);

        var text = Scrape(metrics);

        AssertSample(text, "loki_distributor_lines_received_total{tenant=\"team-a\"} 15");
        AssertSample(text, "loki_distributor_bytes_received_total{tenant=\"team-a\"} 1500");
        AssertSample(text, "loki_distributor_lines_received_total{tenant=\"team-b\"} 1");
        AssertSample(text, "loki_discarded_samples_total{reason=\"line_too_long\",tenant=\"team-a\"} 2");
        AssertSample(text, "loki_discarded_bytes_total{reason=\"line_too_long\",tenant=\"team-a\"} 600000");
        AssertSample(text, "loki_ingester_streams_created_total{tenant=\"team-a\"} 2");
        AssertSample(text, "loki_ingester_streams_removed_total{tenant=\"team-a\"} 1");
        AssertSample(text, "loki_ingester_memory_streams{tenant=\"team-a\"} 1");
        AssertSample(text, "loki_ingester_streams_total{tenant=\"team-a\"} 1");
        AssertSample(text, "loki_ingester_chunks_flushed_total{reason=\"idle\"} 2");
        Assert.Contains("# TYPE loki_ingester_memory_streams gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Histograms_are_labelled_like_Loki()
    {
        var metrics = new ServerMetrics();
        metrics.ObserveRequest("GET", "loki_api_v1_query_range", 200, 0.2);
        metrics.ObserveRequest("GET", "loki_api_v1_tail", 101, 0.2, websocket: true);
        metrics.ObserveQuery("query_range", 0.2);
        metrics.ObserveQuery("query_range", 3);

        var text = Scrape(metrics);

        Assert.Contains("# TYPE loki_request_duration_seconds histogram", text, StringComparison.Ordinal);
        AssertSample(text, "loki_request_duration_seconds_count{method=\"GET\",route=\"loki_api_v1_query_range\",status_code=\"200\",ws=\"false\"} 1");
        AssertSample(text, "loki_request_duration_seconds_count{method=\"GET\",route=\"loki_api_v1_tail\",status_code=\"101\",ws=\"true\"} 1");
        AssertSample(text, "loki_query_duration_seconds_count{endpoint=\"query_range\"} 2");
        AssertSample(text, "loki_query_duration_seconds_bucket{endpoint=\"query_range\",le=\"0.25\"} 1");
        AssertSample(text, "loki_query_duration_seconds_bucket{endpoint=\"query_range\",le=\"5\"} 2");
        AssertSample(text, "loki_query_duration_seconds_bucket{endpoint=\"query_range\",le=\"+Inf\"} 2");
    }

    [Fact]
    public void Wal_and_chunk_metrics()
    {
        var metrics = new ServerMetrics();
        metrics.WalRecordLogged(100);
        metrics.WalRecordLogged(50);
        metrics.WalFsync(0.002);
        metrics.WalReplayStarted();
        metrics.ChunkCreated();
        metrics.SetMemoryChunks(7);
        metrics.Mutated(DiscardReasons.LineTooLong, "fake", 1, 99);

        var text = Scrape(metrics);
        AssertSample(text, "loki_ingester_wal_records_logged_total 2");
        AssertSample(text, "loki_ingester_wal_logged_bytes_total 150");
        AssertSample(text, "runestone_wal_fsync_duration_seconds_count 1");
        AssertSample(text, "loki_ingester_wal_replay_active 1");
        AssertSample(text, "loki_ingester_chunks_created_total 1");
        AssertSample(text, "loki_ingester_memory_chunks 7");
        AssertSample(text, "loki_mutated_bytes_total{reason=\"line_too_long\",tenant=\"fake\"} 99");

        metrics.WalReplayFinished(1.5);
        text = Scrape(metrics);
        AssertSample(text, "loki_ingester_wal_replay_active 0");
        AssertSample(text, "loki_ingester_wal_replay_duration_seconds 1.5");
    }

    [Fact]
    public void Two_instances_do_not_share_state()
    {
        var first = new ServerMetrics();
        var second = new ServerMetrics();

        first.LinesReceived("fake", 3, 30);

        AssertSample(Scrape(first), "loki_distributor_lines_received_total{tenant=\"fake\"} 3");
        Assert.DoesNotContain("loki_distributor_lines_received_total{", Scrape(second), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportAsync_writes_the_same_text_format()
    {
        var metrics = new ServerMetrics();
        metrics.SetBuildInfo("0.1.0", "abc123", "main");
        metrics.SetActiveStreams("fake", 42);
        using var stream = new MemoryStream();

        await metrics.ExportAsync(stream, CancellationToken.None);

        var text = Encoding.UTF8.GetString(stream.ToArray());
        AssertSample(text, "loki_ingester_memory_streams{tenant=\"fake\"} 42");
        Assert.Contains("loki_build_info{version=\"0.1.0\",revision=\"abc123\",branch=\"main\",goversion=", text, StringComparison.Ordinal);
        Assert.Contains("process_start_time_seconds ", text, StringComparison.Ordinal);
        Assert.StartsWith("text/plain; version=0.0.4", ServerMetrics.ContentType, StringComparison.Ordinal);
    }
}
