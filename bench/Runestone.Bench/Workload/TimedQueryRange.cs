using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Runestone.Bench.Workload;

/// <summary>One timed <c>query_range</c> over the workload's window (padded by a minute each side).</summary>
internal static class TimedQueryRange
{
    /// <summary>
    /// Sends the query with <paramref name="extraParameters"/> (e.g. <c>&amp;step=60</c>) and times it until
    /// the body is read; <paramref name="count"/> measures the body (entries, series). Failures come
    /// back as an error text, never an exception.
    /// </summary>
    public static async Task<(double Seconds, int Count, string? Error)> RunAsync(
        WorkloadOptions options, HttpClient http, string logql, long startNs, long endNs, string extraParameters, Func<byte[], int> count, CancellationToken cancellationToken)
    {
        var url = new Uri(options.Url, string.Create(CultureInfo.InvariantCulture,
            $"/loki/api/v1/query_range?query={Uri.EscapeDataString(logql)}&start={startNs - 60_000_000_000}&end={endNs + 60_000_000_000}{extraParameters}"));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (options.Tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", options.Tenant);
        }

        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            stopwatch.Stop();
            if (!response.IsSuccessStatusCode)
            {
                return (stopwatch.Elapsed.TotalSeconds, 0, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body).Trim()}");
            }

            return (stopwatch.Elapsed.TotalSeconds, count(body), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException)
        {
            return (stopwatch.Elapsed.TotalSeconds, 0, ex.Message);
        }
    }
}
