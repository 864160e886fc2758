using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Runestone.Bench.Workload;

/// <summary>One timed search: the server's query and grep's equivalent over raw.log.</summary>
internal sealed record QueryTiming(string Name, string LogQL, string GrepArgs, double ServerSeconds, int ServerEntries, string? ServerError, double GrepSeconds, long GrepCount);

/// <summary>Times LogQL queries over HTTP against grep on the raw file (median of three each).</summary>
internal static class QueryPhase
{
    private const int Runs = 3;

    public static async Task<List<QueryTiming>> RunAsync(WorkloadOptions options, HttpClient http, string rawLogPath, long startNs, long endNs, CancellationToken cancellationToken)
    {
        var all = "{namespace=~\".+\"}";
        var cases = new (string Name, string LogQL, string[] Grep)[]
        {
            ("selector", "{namespace=\"payments\"}", ["-F", "-c", "namespace=\"payments\""]),
            ("needle |=", $"{all} |= \"{LineGenerator.Needle}\"", ["-F", "-c", LineGenerator.Needle]),
            ("regex |~", $"{all} |~ \"{LineGenerator.RareRegex}\"", ["-E", "-c", LineGenerator.RareRegex]),
        };

        var results = new List<QueryTiming>();
        foreach (var (name, logql, grep) in cases)
        {
            var serverTimes = new List<double>();
            var entries = 0;
            string? error = null;
            for (var i = 0; i < Runs && error is null; i++)
            {
                var (seconds, count, problem) = await TimeQueryAsync(options, http, logql, startNs, endNs, cancellationToken).ConfigureAwait(false);
                serverTimes.Add(seconds);
                entries = count;
                error = problem;
            }

            // grep has no label index: the selector row greps nothing meaningful, so it is skipped.
            double grepSeconds = 0;
            long grepCount = -1;
            if (name != "selector")
            {
                await TimeGrepAsync(grep, rawLogPath, cancellationToken).ConfigureAwait(false); // warm the page cache
                var grepTimes = new List<double>();
                for (var i = 0; i < Runs; i++)
                {
                    var (seconds, count) = await TimeGrepAsync(grep, rawLogPath, cancellationToken).ConfigureAwait(false);
                    grepTimes.Add(seconds);
                    grepCount = count;
                }

                grepSeconds = Median(grepTimes);
            }

            results.Add(new QueryTiming(name, logql, string.Join(' ', grep), Median(serverTimes), entries, error, grepSeconds, grepCount));
        }

        return results;
    }

    private static Task<(double Seconds, int Count, string? Error)> TimeQueryAsync(WorkloadOptions options, HttpClient http, string logql, long startNs, long endNs, CancellationToken cancellationToken) =>
        TimedQueryRange.RunAsync(options, http, logql, startNs, endNs, "&limit=100&direction=backward", CountEntries, cancellationToken);

    private static int CountEntries(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        var count = 0;
        if (doc.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Array)
        {
            foreach (var stream in result.EnumerateArray())
            {
                if (stream.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array)
                {
                    count += values.GetArrayLength();
                }
            }
        }

        return count;
    }

    private static async Task<(double Seconds, long Count)> TimeGrepAsync(string[] args, string path, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("grep") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(path);
        // The C locale is grep's fastest mode: a conservative baseline.
        start.Environment["LC_ALL"] = "C";
        var stopwatch = Stopwatch.StartNew();
        using var grep = Process.Start(start)!;
        var output = await grep.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        await grep.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        stopwatch.Stop();
        return (stopwatch.Elapsed.TotalSeconds, long.TryParse(output.Trim(), CultureInfo.InvariantCulture, out var n) ? n : -1);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values[values.Count / 2];
    }
}
