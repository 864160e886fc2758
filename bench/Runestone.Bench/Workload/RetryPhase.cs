using System.Diagnostics;
using System.Globalization;

namespace Runestone.Bench.Workload;

/// <summary>What pushing the oldest batches a second time measured.</summary>
internal sealed record RetryResult(long Lines, long RawBytes, int Batches, TimeSpan Elapsed, int Failures, string? FirstError, double? Refused, long? DiskBefore, long? DiskAfter, long? PeakRss);

/// <summary>
/// A client retry at scale: after the flush, the oldest batches (already in persisted chunks) are
/// pushed again over the same connections. The server's duplicate counter says how many lines it
/// refused; a second flush and the data directory's size say whether anything was stored twice.
/// </summary>
internal static class RetryPhase
{
    private const string Counter = "runestone_ingester_duplicate_entries_total";

    public static async Task<RetryResult> RunAsync(WorkloadOptions options, HttpClient http, RetrySet retry, long? diskBefore, CancellationToken cancellationToken)
    {
        var before = await DuplicatesAsync(options, http, cancellationToken).ConfigureAwait(false);
        var stopwatch = Stopwatch.StartNew();
        var (failures, firstError) = await PushPhase.SendAllAsync(options, http, [.. retry.Bodies], cancellationToken).ConfigureAwait(false);
        stopwatch.Stop();
        var after = await DuplicatesAsync(options, http, cancellationToken).ConfigureAwait(false);
        await WorkloadCommand.FlushAsync(options, http, cancellationToken).ConfigureAwait(false);

        long? diskAfter = null;
        if (options.DataDir is not null && Directory.Exists(options.DataDir))
        {
            diskAfter = await WorkloadCommand.SettledDirectoryBytesAsync(options.DataDir, cancellationToken).ConfigureAwait(false);
        }

        var peakRss = options.ServerPid is { } pid ? ProcessStats.PeakRssBytes(pid) : null;
        return new RetryResult(retry.Lines, retry.RawBytes, retry.Bodies.Count, stopwatch.Elapsed, failures, firstError, after - before, diskBefore, diskAfter, peakRss);
    }

    // Sums the counter over tenants from /metrics; 0 before the first duplicate (no series yet).
    private static async Task<double> DuplicatesAsync(WorkloadOptions options, HttpClient http, CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(new Uri(options.Url, "/metrics"), cancellationToken).ConfigureAwait(false);
        var sum = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(Counter + "{", StringComparison.Ordinal) || line.StartsWith(Counter + " ", StringComparison.Ordinal))
            {
                sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
