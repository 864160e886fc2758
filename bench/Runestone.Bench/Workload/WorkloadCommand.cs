using System.Globalization;
using System.Text;

namespace Runestone.Bench.Workload;

/// <summary>
/// The end-to-end workload: generate and push, measure the server, flush, measure the disk,
/// then time queries against grep. Every loop is bounded by the byte budget or a run count.
/// </summary>
internal static class WorkloadCommand
{
    private const double MiB = 1 << 20;

    public static async Task<int> RunAsync(string[] args)
    {
        if (!WorkloadOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync($"workload: {error}").ConfigureAwait(false);
            return 2;
        }

        Directory.CreateDirectory(options.OutDir);
        var rawLogPath = Path.Combine(options.OutDir, "raw.log");
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { Timeout = options.RequestTimeout };
        using var cancel = new CancellationTokenSource(TimeSpan.FromHours(2)); // hard upper bound on the whole run
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var endNs = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1_000) * 1_000_000;
        var startNs = endNs - (long)(options.Span.TotalMilliseconds * 1_000_000);
        Console.WriteLine($"workload: {options.Bytes / MiB:0} MiB over {options.Streams} streams to {options.Url} with {options.Connections} connections, seed {options.Seed}");

        var cpuBefore = options.ServerPid is { } pid0 ? ProcessStats.CpuSeconds(pid0) : null;
        var push = await PushPhase.RunAsync(options, http, rawLogPath, startNs, endNs, cancel.Token).ConfigureAwait(false);
        var cpuAfter = options.ServerPid is { } pid1 ? ProcessStats.CpuSeconds(pid1) : null;
        Console.WriteLine($"push: {push.Lines:N0} lines, {push.RawBytes / MiB:0.0} MiB raw in {push.Elapsed.TotalSeconds:0.00}s, {push.Failures} failed batches");

        var flush = await FlushAsync(options, http, cancel.Token).ConfigureAwait(false);
        long? diskBytes = null;
        if (options.DataDir is not null && Directory.Exists(options.DataDir))
        {
            diskBytes = await SettledDirectoryBytesAsync(options.DataDir, cancel.Token).ConfigureAwait(false);
        }

        var peakRss = options.ServerPid is { } pid2 ? ProcessStats.PeakRssBytes(pid2) : null;

        RetryResult? retry = null;
        if (push.Failures == 0 && push.Retry.Bodies.Count > 0)
        {
            retry = await RetryPhase.RunAsync(options, http, push.Retry, diskBytes, cancel.Token).ConfigureAwait(false);
            Console.WriteLine($"retry: {retry.Lines:N0} lines again in {retry.Elapsed.TotalSeconds:0.00}s, {retry.Refused:N0} refused as duplicates");
        }

        List<QueryTiming> queries = [];
        List<MetricTiming> metrics = [];
        if (!options.SkipQueries && push.Failures == 0)
        {
            queries = await QueryPhase.RunAsync(options, http, rawLogPath, startNs, endNs, cancel.Token).ConfigureAwait(false);
            metrics = await MetricQueryPhase.RunAsync(options, http, push.StreamBytes, startNs, endNs, cancel.Token).ConfigureAwait(false);
        }

        var report = Report(options, push, flush, cpuBefore, cpuAfter, peakRss, diskBytes, retry, queries, metrics);
        Console.WriteLine();
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(options.OutDir, "results.md"), report, cancel.Token).ConfigureAwait(false);
        return push.Failures == 0 && (retry is null || retry.Failures == 0) ? 0 : 1;
    }

    internal static async Task<string> FlushAsync(WorkloadOptions options, HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsync(new Uri(options.Url, "/flush"), null, cancellationToken).ConfigureAwait(false);
            return $"{(int)response.StatusCode}";
        }
        catch (HttpRequestException ex)
        {
            return $"failed: {ex.Message}";
        }
    }

    /// <summary>Waits (at most 30 s) until the directory size stops changing after the flush.</summary>
    internal static async Task<long> SettledDirectoryBytesAsync(string directory, CancellationToken cancellationToken)
    {
        var last = ProcessStats.DirectoryBytes(directory);
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            var now = ProcessStats.DirectoryBytes(directory);
            if (now == last)
            {
                break;
            }

            last = now;
        }

        return last;
    }

    private static string Report(WorkloadOptions options, PushResult push, string flush, double? cpuBefore, double? cpuAfter, long? peakRss, long? diskBytes, RetryResult? retry, List<QueryTiming> queries, List<MetricTiming> metrics)
    {
        var ic = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var seconds = Math.Max(push.Elapsed.TotalSeconds, 1e-9);
        sb.AppendLine(ic, $"# Runestone workload results");
        sb.AppendLine();
        sb.AppendLine(ic, $"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}");
        sb.AppendLine(ic, $"- target: {options.Url}; connections: {options.Connections}; batch: {options.BatchBytes / 1024} KiB raw; seed: {options.Seed}; streams: {options.Streams}");
        sb.AppendLine(ic, $"- command: `dotnet run -c Release --project bench/Runestone.Bench -- workload {string.Join(' ', Environment.GetCommandLineArgs().Skip(2))}`");
        sb.AppendLine("- units: MiB = 2^20 bytes");
        sb.AppendLine();
        sb.AppendLine("## Ingest");
        sb.AppendLine();
        sb.AppendLine("| metric | value |");
        sb.AppendLine("|---|---|");
        sb.AppendLine(ic, $"| lines | {push.Lines:N0} (needle lines: {push.Needles}) |");
        sb.AppendLine(ic, $"| raw bytes | {push.RawBytes:N0} ({push.RawBytes / MiB:0.0} MiB) |");
        sb.AppendLine(ic, $"| pushed (protobuf+snappy) | {push.CompressedBytes:N0} bytes in {push.Batches} batches |");
        sb.AppendLine(ic, $"| failed batches | {push.Failures}{(push.FirstError is null ? "" : $" (first: {push.FirstError.ReplaceLineEndings(" ")})")} |");
        sb.AppendLine(ic, $"| generate + encode time (before pushing, not measured below) | {push.GenerateElapsed.TotalSeconds:0.0} s |");
        sb.AppendLine(ic, $"| push time | {push.Elapsed.TotalSeconds:0.00} s |");
        sb.AppendLine(ic, $"| lines/s | {push.Lines / seconds:N0} |");
        sb.AppendLine(ic, $"| MiB/s (raw) | {push.RawBytes / MiB / seconds:0.0} |");
        sb.AppendLine(ic, $"| server CPU during push | {(cpuBefore is { } b && cpuAfter is { } a ? $"{a - b:0.00} s ({(a - b) / seconds:0.00} cores)" : "n/a (pass --server-pid)")} |");
        sb.AppendLine(ic, $"| server peak RSS (VmHWM) | {(peakRss is { } rss ? $"{rss / MiB:0} MiB" : "n/a (pass --server-pid)")} |");
        sb.AppendLine(ic, $"| POST /flush | {flush} |");
        sb.AppendLine(ic, $"| on-disk bytes | {(diskBytes is { } d ? $"{d:N0} ({d / MiB:0.0} MiB)" : "n/a (pass --data-dir)")} |");
        if (options.DataDir is not null && Directory.Exists(options.DataDir))
        {
            foreach (var sub in new DirectoryInfo(options.DataDir).EnumerateDirectories().OrderBy(d => d.Name, StringComparer.Ordinal))
            {
                sb.AppendLine(ic, $"| &nbsp;&nbsp;of which {sub.Name}/ | {ProcessStats.DirectoryBytes(sub.FullName):N0} |");
            }
        }

        sb.AppendLine(ic, $"| raw/disk ratio | {(diskBytes is { } d2 && d2 > 0 ? $"{push.RawBytes / (double)d2:0.00}x" : "n/a")} |");
        if (retry is not null)
        {
            var retrySeconds = Math.Max(retry.Elapsed.TotalSeconds, 1e-9);
            sb.AppendLine();
            sb.AppendLine("## Retry (the oldest batches pushed again after the flush)");
            sb.AppendLine();
            sb.AppendLine("| metric | value |");
            sb.AppendLine("|---|---|");
            sb.AppendLine(ic, $"| lines pushed again | {retry.Lines:N0} ({retry.RawBytes / MiB:0.0} MiB raw, {retry.Batches} batches) |");
            sb.AppendLine(ic, $"| failed batches | {retry.Failures}{(retry.FirstError is null ? "" : $" (first: {retry.FirstError.ReplaceLineEndings(" ")})")} |");
            sb.AppendLine(ic, $"| push time | {retry.Elapsed.TotalSeconds:0.00} s ({retry.Lines / retrySeconds:N0} lines/s) |");
            sb.AppendLine(ic, $"| refused as duplicates (`runestone_ingester_duplicate_entries_total`) | {retry.Refused:N0} |");
            sb.AppendLine(ic, $"| server peak RSS (VmHWM) so far | {(retry.PeakRss is { } r ? $"{r / MiB:0} MiB" : "n/a (pass --server-pid)")} |");
            sb.AppendLine(ic, $"| on-disk bytes after a second flush | {(retry.DiskBefore is { } db && retry.DiskAfter is { } da ? $"{da:N0} ({da - db:+#,0;-#,0;0} bytes)" : "n/a (pass --data-dir)")} |");
        }

        if (queries.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Queries (query_range over all data, limit 100; median of 3) vs grep (LC_ALL=C, warm, median of 3)");
            sb.AppendLine();
            sb.AppendLine("| query | server s | server MiB/s | entries | grep s | grep MiB/s | grep count | server/grep speed |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var q in queries)
            {
                var serverRate = push.RawBytes / MiB / Math.Max(q.ServerSeconds, 1e-9);
                var grepCells = q.GrepCount < 0
                    ? "n/a | n/a | n/a | n/a"
                    : $"{q.GrepSeconds:0.000} | {push.RawBytes / MiB / Math.Max(q.GrepSeconds, 1e-9):0} | {q.GrepCount} | {q.GrepSeconds / Math.Max(q.ServerSeconds, 1e-9):0.00}x";
                var limitNote = q.ServerEntries >= 100 ? " (limit hit: stopped early)" : string.Empty;
                var serverCells = q.ServerError is null ? $"{q.ServerSeconds:0.000} | {serverRate:0} | {q.ServerEntries}{limitNote}" : $"error: {q.ServerError.ReplaceLineEndings(" ")} | n/a | n/a";
                sb.AppendLine(ic, $"| `{q.LogQL.Replace("|", "\\|", StringComparison.Ordinal)}` | {serverCells} | {grepCells} |");
            }

            sb.AppendLine();
            sb.AppendLine("server/grep speed > 1 means the server answered faster than grep scanned raw.log. MiB/s is raw.log's size over the");
            sb.AppendLine("time taken; it is a scan rate only when the query had to read everything (fewer entries than the limit).");
        }

        if (metrics.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Metric queries (query_range over all data, step 1m; median of 3)");
            sb.AppendLine();
            sb.AppendLine("| query | selected raw MiB | server s | MiB/s of selected raw | series |");
            sb.AppendLine("|---|---|---|---|---|");
            foreach (var m in metrics)
            {
                var shown = m.LogQL.Length > 160 ? m.LogQL[..60] + " … " + m.LogQL[^90..] : m.LogQL;
                var cells = m.Error is null
                    ? $"{m.Seconds:0.000} | {m.CoveredBytes / MiB / Math.Max(m.Seconds, 1e-9):0} | {m.Series}"
                    : $"error: {m.Error.ReplaceLineEndings(" ")} | n/a | n/a";
                sb.AppendLine(ic, $"| {m.Name}: `{shown.Replace("|", "\\|", StringComparison.Ordinal)}` | {m.CoveredBytes / MiB:0} | {cells} |");
            }
        }

        return sb.ToString();
    }
}
