using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Runestone.Protocol.Push;

namespace Runestone.Bench.Workload;

/// <summary>What the push phase measured.</summary>
internal sealed record PushResult(long Lines, long RawBytes, long CompressedBytes, int Batches, int Failures, string? FirstError, TimeSpan Elapsed, long Needles);

/// <summary>
/// Generates the workload on one thread (so it is deterministic) and pushes it as
/// protobuf+snappy batches over N concurrent connections; a bounded channel keeps the
/// generator at most two batches per connection ahead.
/// </summary>
internal static class PushPhase
{
    private const int MaxFailures = 20;

    public static async Task<PushResult> RunAsync(WorkloadOptions options, HttpClient http, string rawLogPath, long startNs, long endNs, CancellationToken cancellationToken)
    {
        var generator = new LineGenerator(options.Seed, options.Streams);
        var builder = new BatchBuilder(generator, options.Bytes, startNs, endNs, options.BatchBytes);
        var channel = Channel.CreateBounded<WorkloadBatch>(new BoundedChannelOptions(options.Connections * 2)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long compressed = 0;
        var batches = 0;
        var failures = 0;
        string? firstError = null;
        var pushUrl = new Uri(options.Url, "/loki/api/v1/push");

        async Task SendAllAsync()
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(failed.Token).ConfigureAwait(false))
            {
                using (batch)
                {
                    var body = PushEncoder.EncodeProtobufSnappy(batch.Streams);
                    using var request = new HttpRequestMessage(HttpMethod.Post, pushUrl) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                    if (options.Tenant is not null)
                    {
                        request.Headers.Add("X-Scope-OrgID", options.Tenant);
                    }

                    string? error = null;
                    try
                    {
                        using var response = await http.SendAsync(request, failed.Token).ConfigureAwait(false);
                        if (response.StatusCode != HttpStatusCode.NoContent)
                        {
                            var text = await response.Content.ReadAsStringAsync(failed.Token).ConfigureAwait(false);
                            error = $"push answered {(int)response.StatusCode} {response.StatusCode}: {text.Trim()}";
                        }
                    }
                    catch (HttpRequestException ex)
                    {
                        error = $"push failed: {ex.Message}";
                    }
                    catch (TaskCanceledException) when (!failed.IsCancellationRequested)
                    {
                        error = $"push timed out after {options.RequestTimeout.TotalSeconds:0}s";
                    }

                    Interlocked.Add(ref compressed, body.Length);
                    Interlocked.Increment(ref batches);
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
        }

        var stopwatch = Stopwatch.StartNew();
        var senders = Enumerable.Range(0, options.Connections).Select(_ => Task.Run(SendAllAsync, CancellationToken.None)).ToArray();
        try
        {
            await using var rawLog = new FileStream(rawLogPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
            var lastReport = Stopwatch.StartNew();
            while (!builder.Done && !failed.IsCancellationRequested)
            {
                var batch = builder.Next(rawLog);
                try
                {
                    await channel.Writer.WriteAsync(batch, failed.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    batch.Dispose();
                    break;
                }

                if (lastReport.Elapsed > TimeSpan.FromSeconds(5))
                {
                    lastReport.Restart();
                    Console.WriteLine($"  pushed ~{builder.ProducedBytes / (double)(1 << 20):0} MiB of {options.Bytes / (double)(1 << 20):0} MiB, {generator.Lines:N0} lines, {stopwatch.Elapsed.TotalSeconds:0}s");
                }
            }
        }
        finally
        {
            channel.Writer.TryComplete();
            try
            {
                await Task.WhenAll(senders).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped after too many failures; reported below.
            }

            while (channel.Reader.TryRead(out var left))
            {
                left.Dispose();
            }
        }

        stopwatch.Stop();
        return new PushResult(generator.Lines, builder.ProducedBytes, compressed, batches, failures, firstError, stopwatch.Elapsed, generator.Needles);
    }
}
