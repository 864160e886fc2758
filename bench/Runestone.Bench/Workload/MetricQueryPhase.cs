using System.Text.Json;

namespace Runestone.Bench.Workload;

/// <summary>One timed metric query: the raw bytes of the streams it selects and the time to answer.</summary>
internal sealed record MetricTiming(string Name, string LogQL, long CoveredBytes, double Seconds, int Series, string? Error);

/// <summary>
/// Issue 3's query benchmark: metric range queries (step 1m) over the whole window, each timed
/// over HTTP (median of three) and expressed as MiB/s of the raw log its selector covers.
/// Parser queries select only the streams written in that format, so the rate is the parser's.
/// </summary>
internal static class MetricQueryPhase
{
    private const int Runs = 3;
    private const string Nginx = "<ip> - - [<_>] \\\"<method> <path> <_>\\\" <status> <_>";

    public static async Task<List<MetricTiming>> RunAsync(WorkloadOptions options, HttpClient http, long[] streamBytes, long startNs, long endNs, CancellationToken cancellationToken)
    {
        var streams = new LineGenerator(options.Seed, options.Streams).Streams;
        var all = "{namespace=~\".+\"}";
        var json = PodSelector(streams, LineFormat.Json);
        var logfmt = PodSelector(streams, LineFormat.Logfmt);
        var nginx = "{namespace=\"ingress-nginx\"}";
        var cases = new (string Name, string LogQL, LineFormat? Format)[]
        {
            ("count_over_time", $"count_over_time({all}[1m])", null),
            ("sum by rate", $"sum by (namespace) (rate({all}[1m]))", null),
            ("json filter", $"sum by (status) (count_over_time({json} | json | status >= 500 [1m]))", LineFormat.Json),
            ("logfmt filter", $"sum by (status) (count_over_time({logfmt} | logfmt | status >= 500 [1m]))", LineFormat.Logfmt),
            ("pattern filter", $"sum by (method) (count_over_time({nginx} | pattern \"{Nginx}\" | status >= 500 [1m]))", LineFormat.Nginx),
            ("unwrap quantile", $"quantile_over_time(0.99, {logfmt} | logfmt | unwrap duration(duration) [1m]) by (namespace)", LineFormat.Logfmt),
        };

        var results = new List<MetricTiming>();
        foreach (var (name, logql, format) in cases)
        {
            long covered = 0;
            foreach (var stream in streams)
            {
                if (format is null || stream.Format == format)
                {
                    covered += streamBytes[stream.Index];
                }
            }

            var times = new List<double>();
            var series = 0;
            string? error = null;
            for (var i = 0; i < Runs && error is null; i++)
            {
                (var seconds, series, error) = await TimeAsync(options, http, logql, startNs, endNs, cancellationToken).ConfigureAwait(false);
                times.Add(seconds);
            }

            times.Sort();
            results.Add(new MetricTiming(name, logql, covered, times[times.Count / 2], series, error));
        }

        return results;
    }

    // Streams of one format are picked by their pod names (the generator's labels carry no format).
    private static string PodSelector(IReadOnlyList<WorkloadStream> streams, LineFormat format)
    {
        var pods = new List<string>();
        foreach (var stream in streams)
        {
            if (stream.Format == format)
            {
                pods.Add(stream.Pod);
            }
        }

        return $"{{pod=~\"{string.Join('|', pods)}\"}}";
    }

    private static Task<(double Seconds, int Count, string? Error)> TimeAsync(WorkloadOptions options, HttpClient http, string logql, long startNs, long endNs, CancellationToken cancellationToken) =>
        TimedQueryRange.RunAsync(options, http, logql, startNs, endNs, "&step=60", CountSeries, cancellationToken);

    private static int CountSeries(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("data").GetProperty("result").GetArrayLength();
    }
}
