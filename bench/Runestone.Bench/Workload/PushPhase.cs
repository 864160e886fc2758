using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Runestone.Protocol.Push;

namespace Runestone.Bench.Workload;

/// <summary>What the push phase measured.</summary>
internal sealed record PushResult(long Lines, long RawBytes, long CompressedBytes, int Batches, int Failures, string? FirstError, TimeSpan Elapsed, long Needles, TimeSpan GenerateElapsed, long[] StreamBytes, RetrySet Retry);

/// <summary>The oldest batches, kept to be pushed again later (a client retry).</summary>
internal sealed record RetrySet(List<byte[]> Bodies, long Lines, long RawBytes);

/// <summary>
/// Generates the whole workload first on one thread (deterministic; also writes raw.log) as
/// protobuf+snappy bodies held in memory, then pushes them over N concurrent connections. The
/// generator is therefore never what limits the measured ingest rate.
/// </summary>
internal static class PushPhase
{
    private const int MaxFailures = 20;

    public static async Task<PushResult> RunAsync(WorkloadOptions options, HttpClient http, string rawLogPath, long startNs, long endNs, CancellationToken cancellationToken)
    {
        var generator = new LineGenerator(options.Seed, options.Streams);
        var builder = new BatchBuilder(generator, options.Bytes, startNs, endNs, options.BatchBytes);
        var bodies = new List<byte[]?>();
        var retryBatches = (int)Math.Ceiling(options.RetryFraction * Math.Ceiling(options.Bytes / (double)options.BatchBytes));
        var retry = new RetrySet([], 0, 0);
        long compressed = 0;
        var generate = Stopwatch.StartNew();
        await using (var rawLog = new FileStream(rawLogPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20))
        {
            var lastReport = Stopwatch.StartNew();
            while (!builder.Done)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var batch = builder.Next(rawLog);
                var body = PushEncoder.EncodeProtobufSnappy(batch.Streams);
                compressed += body.Length;
                bodies.Add(body);
                if (retry.Bodies.Count < retryBatches)
                {
                    retry.Bodies.Add(body);
                    retry = retry with { Lines = retry.Lines + batch.Lines, RawBytes = retry.RawBytes + batch.RawBytes };
                }
                if (lastReport.Elapsed > TimeSpan.FromSeconds(5))
                {
                    lastReport.Restart();
                    Console.WriteLine($"  generated {builder.ProducedBytes / (double)(1 << 20):0} of {options.Bytes / (double)(1 << 20):0} MiB");
                }
            }
        }

        generate.Stop();
        Console.WriteLine($"generate: {generator.Lines:N0} lines, {bodies.Count} batches, {compressed / (double)(1 << 20):0.0} MiB compressed in {generate.Elapsed.TotalSeconds:0.0}s; pushing");

        var stopwatch = Stopwatch.StartNew();
        var (failures, firstError) = await SendAllAsync(options, http, bodies, cancellationToken).ConfigureAwait(false);
        stopwatch.Stop();
        return new PushResult(generator.Lines, builder.ProducedBytes, compressed, bodies.Count, failures, firstError, stopwatch.Elapsed, generator.Needles, generate.Elapsed, builder.StreamBytes, retry);
    }

    /// <summary>Pushes every body over the configured connections (each slot is cleared once sent); stops after too many failures.</summary>
    public static async Task<(int Failures, string? FirstError)> SendAllAsync(WorkloadOptions options, HttpClient http, List<byte[]?> bodies, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = -1;
        var failures = 0;
        string? firstError = null;
        var pushUrl = new Uri(options.Url, "/loki/api/v1/push");

        async Task SendLoopAsync()
        {
            while (!failed.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= bodies.Count)
                {
                    return;
                }

                var body = bodies[index]!;
                bodies[index] = null; // let the GC have it once sent
                var error = await SendAsync(options, http, pushUrl, body, failed.Token).ConfigureAwait(false);
                if (error is not null)
                {
                    Interlocked.CompareExchange(ref firstError, error, null);
                    if (Interlocked.Increment(ref failures) >= MaxFailures)
                    {
                        await failed.CancelAsync().ConfigureAwait(false);
                    }
                }
            }
        }

        var senders = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(SendLoopAsync, CancellationToken.None)).ToArray();
        await Task.WhenAll(senders).ConfigureAwait(false);
        return (failures, firstError);
    }

    private static async Task<string?> SendAsync(WorkloadOptions options, HttpClient http, Uri pushUrl, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, pushUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        if (options.Tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", options.Tenant);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return null;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return $"push answered {(int)response.StatusCode} {response.StatusCode}: {text.Trim()}";
        }
        catch (HttpRequestException ex)
        {
            return $"push failed: {ex.Message}";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"push timed out after {options.RequestTimeout.TotalSeconds:0}s";
        }
        catch (OperationCanceledException)
        {
            return "push cancelled after too many failures";
        }
    }
}
