using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Runestone.Bench.Workload;

namespace Runestone.Bench.AgentBench;

/// <summary>
/// The agent benchmark's measuring half: starts the agent, polls the server's <c>/metrics</c> until the first
/// line arrives and the agent's <c>/metrics</c> until
/// <c>promtail_sent_entries_total</c> (entries the server answered 2xx for) is first above zero and
/// then equal to the expected count, reads the agent's CPU seconds and peak RSS from /proc, stops
/// it, and checks <c>sum(count_over_time({job="bench"}[3h]))</c> on the server. Writes
/// <c>agent-results.md</c>. Every wait is bounded by <see cref="AgentRunOptions.Timeout"/>.
/// </summary>
internal static class AgentRunCommand
{
    private const double MiB = 1 << 20;
    private const string SentEntries = "promtail_sent_entries_total";
    private const string ServerLinesReceived = "loki_distributor_lines_received_total";

    /// <summary>Poll interval until the first entry is shipped: the resolution of "time to first line".</summary>
    private static readonly TimeSpan s_firstPoll = TimeSpan.FromMilliseconds(5);

    /// <summary>Poll interval afterwards: the resolution of the end-to-end time, cheap for the agent to serve.</summary>
    private static readonly TimeSpan s_progressPoll = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync(string[] args)
    {
        if (!AgentRunOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync($"agentrun: {error}").ConfigureAwait(false);
            return 2;
        }

        Directory.CreateDirectory(options.OutDir);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var cancel = new CancellationTokenSource(options.Timeout);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var loadBefore = ProcessStats.LoadAverage();
        var serverCpuBefore = options.ServerPid is { } sp0 ? ProcessStats.CpuSeconds(sp0) : null;
        await using var agentLog = new StreamWriter(Path.Combine(options.OutDir, "agent.log"));
        var start = new ProcessStartInfo(options.AgentCommand[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in options.AgentCommand.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        Console.WriteLine($"agentrun: starting {string.Join(' ', options.AgentCommand)}; waiting for {options.Expected:N0} entries");
        var stopwatch = Stopwatch.StartNew();
        using var agent = Process.Start(start) ?? throw new InvalidOperationException("the agent did not start");
        agent.OutputDataReceived += (_, e) => WriteLog(agentLog, e.Data);
        agent.ErrorDataReceived += (_, e) => WriteLog(agentLog, e.Data);
        agent.BeginOutputReadLine();
        agent.BeginErrorReadLine();

        var run = new AgentRun();
        try
        {
            await PollAsync(options, http, agent, stopwatch, run, cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            run.Problem ??= $"timed out after {options.Timeout.TotalMinutes:0} min";
        }

        run.AgentCpu = ProcessStats.CpuSeconds(agent.Id);
        run.AgentPeakRss = ProcessStats.PeakRssBytes(agent.Id);
        run.ServerCpu = options.ServerPid is { } sp1 && serverCpuBefore is { } before && ProcessStats.CpuSeconds(sp1) is { } after ? after - before : null;
        run.ServerPeakRss = options.ServerPid is { } sp2 ? ProcessStats.PeakRssBytes(sp2) : null;
        run.LoadAfter = ProcessStats.LoadAverage();
        run.FinalMetrics = await ScrapeAsync(http, options.AgentMetrics, CancellationToken.None).ConfigureAwait(false);
        if (!agent.HasExited)
        {
            agent.Kill();
            await agent.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (run.Problem is null)
        {
            (run.ServerCount, run.ServerCountError) = await ServerCountAsync(options, http, CancellationToken.None).ConfigureAwait(false);
        }

        var report = Report(options, run, loadBefore);
        Console.WriteLine();
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(options.OutDir, "agent-results.md"), report, CancellationToken.None).ConfigureAwait(false);
        return run.Problem is null && run.ServerCount == options.Expected ? 0 : 1;
    }

    private static void WriteLog(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static async Task PollAsync(AgentRunOptions options, HttpClient http, Process agent, Stopwatch stopwatch, AgentRun run, CancellationToken cancellationToken)
    {
        var lastProgress = stopwatch.Elapsed;
        var lastSent = 0.0;
        while (true)
        {
            if (agent.HasExited)
            {
                run.Problem = $"the agent exited with code {agent.ExitCode} (see agent.log)";
                return;
            }

            // The agent tails and ships before its own HTTP endpoint is up, so its metrics can only
            // bound the first push from above; the server's counter (up all along) times it.
            if (run.FirstReceived is null
                && Sum(await ScrapeAsync(http, new Uri(options.Server, "/metrics"), cancellationToken).ConfigureAwait(false), ServerLinesReceived) > 0)
            {
                run.FirstReceived = stopwatch.Elapsed;
            }

            var metrics = await ScrapeAsync(http, options.AgentMetrics, cancellationToken).ConfigureAwait(false);
            var now = stopwatch.Elapsed;
            if (metrics is not null)
            {
                run.MetricsUp ??= now;
                var sent = Sum(metrics, SentEntries);
                if (sent > 0)
                {
                    run.FirstShipped ??= now;
                }

                if (sent >= options.Expected)
                {
                    run.Done = now;
                    if (sent > options.Expected)
                    {
                        run.Problem = $"the agent shipped {sent:N0} entries, more than the {options.Expected:N0} expected";
                    }

                    return;
                }

                if (sent > lastSent)
                {
                    lastSent = sent;
                    lastProgress = now;
                }
            }

            if (now - lastProgress > options.StallTimeout)
            {
                run.Problem = $"no progress for {options.StallTimeout.TotalSeconds:0} s at {lastSent:N0} of {options.Expected:N0} entries";
                return;
            }

            await Task.Delay(run.FirstShipped is null || run.FirstReceived is null ? s_firstPoll : s_progressPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The agent's metrics text, or null while it does not answer (not started yet, or gone).</summary>
    private static async Task<string?> ScrapeAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Sum of a metric over all its label sets in Prometheus text format.</summary>
    private static double Sum(string? metrics, string name)
    {
        double total = 0;
        if (metrics is null)
        {
            return total;
        }

        foreach (var line in metrics.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is '{' or ' '
                && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                total += value;
            }
        }

        return total;
    }

    private static async Task<(long? Count, string? Error)> ServerCountAsync(AgentRunOptions options, HttpClient http, CancellationToken cancellationToken)
    {
        var query = $"sum(count_over_time({{job=\"{options.Job}\"}}[3h]))";
        var url = new Uri(options.Server, $"/loki/api/v1/query?query={Uri.EscapeDataString(query)}");
        try
        {
            using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"{(int)response.StatusCode}: {body.Trim()}");
            }

            using var doc = JsonDocument.Parse(body);
            var result = doc.RootElement.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() == 0)
            {
                return (0, null);
            }

            var value = result[0].GetProperty("value")[1].GetString();
            return (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : null, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException)
        {
            return (null, ex.Message);
        }
    }

    private static string Report(AgentRunOptions options, AgentRun run, string loadBefore)
    {
        var ic = CultureInfo.InvariantCulture;
        var fileBytes = File.Exists(options.File) ? new FileInfo(options.File).Length : 0;
        var lines = options.Lines > 0 ? options.Lines : options.Expected;
        var seconds = run.Done is { } d ? Math.Max(d.TotalSeconds, 1e-9) : double.NaN;
        string Seconds(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds:0.000} s" : "n/a";
        var sb = new StringBuilder();
        sb.AppendLine("# Runestone agent benchmark results");
        sb.AppendLine();
        sb.AppendLine(ic, $"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; load average (1/5/15 min) {loadBefore} before, {run.LoadAfter} after");
        sb.AppendLine(ic, $"- file: {options.File}, {fileBytes:N0} bytes ({fileBytes / MiB:0.0} MiB), {lines:N0} CRI lines ({(lines > 0 ? fileBytes / (double)lines : 0):0.0} bytes each), {options.Expected:N0} entries after joining partial lines");
        sb.AppendLine(ic, $"- agent: `{string.Join(' ', options.AgentCommand)}`; server: {options.Server}");
        sb.AppendLine("- \"shipped\" is the agent's `promtail_sent_entries_total` (entries the server answered 2xx for), polled every 5 ms until the first and every 20 ms after (the server's `/metrics` too until its first line); units: MiB = 2^20 bytes");
        sb.AppendLine();
        sb.AppendLine("| metric | value |");
        sb.AppendLine("|---|---|");
        sb.AppendLine(ic, $"| result | {run.Problem ?? "complete"} |");
        sb.AppendLine(ic, $"| agent start to /metrics answering | {Seconds(run.MetricsUp)} |");
        sb.AppendLine(ic, $"| agent start to first line received by the server (`{ServerLinesReceived}` > 0) | {Seconds(run.FirstReceived)} |");
        var bound = run.FirstShipped is { } f && f == run.MetricsUp ? " (an upper bound: already above zero at the first answer)" : string.Empty;
        sb.AppendLine(ic, $"| agent start to first line shipped (`{SentEntries}` > 0) | {Seconds(run.FirstShipped)}{bound} |");
        sb.AppendLine(ic, $"| agent start to all {options.Expected:N0} entries shipped | {Seconds(run.Done)} |");
        sb.AppendLine(ic, $"| lines/s, end to end | {(run.Done is null ? "n/a" : (lines / seconds).ToString("N0", ic))} |");
        sb.AppendLine(ic, $"| MiB/s, end to end | {(run.Done is null ? "n/a" : (fileBytes / MiB / seconds).ToString("0.0", ic))} |");
        sb.AppendLine(ic, $"| agent CPU | {(run.AgentCpu is { } cpu ? $"{cpu:0.00} s ({cpu / seconds:0.00} cores; {lines / Math.Max(cpu, 1e-9):N0} lines per CPU-second)" : "n/a")} |");
        sb.AppendLine(ic, $"| agent peak RSS (VmHWM) | {(run.AgentPeakRss is { } rss ? $"{rss / MiB:0} MiB" : "n/a")} |");
        sb.AppendLine(ic, $"| server CPU over the same time | {(run.ServerCpu is { } scpu ? $"{scpu:0.00} s" : "n/a (pass --server-pid)")} |");
        sb.AppendLine(ic, $"| server peak RSS (VmHWM) | {(run.ServerPeakRss is { } srss ? $"{srss / MiB:0} MiB" : "n/a (pass --server-pid)")} |");
        sb.AppendLine(ic, $"| agent: sent bytes / batch retries / dropped entries | {Sum(run.FinalMetrics, "promtail_sent_bytes_total"):N0} / {Sum(run.FinalMetrics, "promtail_batch_retries_total"):N0} / {Sum(run.FinalMetrics, "promtail_dropped_entries_total"):N0} |");
        var verdict = run.ServerCount == options.Expected ? "equal" : "DIFFERENT";
        sb.AppendLine(ic, $"| server `sum(count_over_time({{job=\"{options.Job}\"}}[3h]))` | {(run.ServerCount is { } count ? $"{count:N0} ({verdict})" : $"n/a{(run.ServerCountError is null ? "" : $" ({run.ServerCountError.ReplaceLineEndings(" ")})")}")} |");
        return sb.ToString();
    }

    /// <summary>What one run measured; null where it did not get that far.</summary>
    private sealed class AgentRun
    {
        public TimeSpan? MetricsUp { get; set; }
        public TimeSpan? FirstReceived { get; set; }
        public TimeSpan? FirstShipped { get; set; }
        public TimeSpan? Done { get; set; }
        public string? Problem { get; set; }
        public double? AgentCpu { get; set; }
        public long? AgentPeakRss { get; set; }
        public double? ServerCpu { get; set; }
        public long? ServerPeakRss { get; set; }
        public string LoadAfter { get; set; } = "n/a";
        public string? FinalMetrics { get; set; }
        public long? ServerCount { get; set; }
        public string? ServerCountError { get; set; }
    }
}
