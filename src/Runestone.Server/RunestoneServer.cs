using System.Buffers;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Runestone.Core.Logs;
using Runestone.Core.Time;
using Runestone.LogQL;
using Runestone.LogQL.Engine;
using Runestone.LogQL.Syntax;
using Runestone.Protocol.Push;
using Runestone.Server.Configuration;
using Runestone.Server.Http;
using Runestone.Server.Ingest;
using Runestone.Server.Limits;
using Runestone.Server.Metrics;
using Runestone.Server.Query;
using Runestone.Storage.Chunks;
using Runestone.Storage.Engine;
using Runestone.Storage.Wal;

namespace Runestone.Server;

/// <summary>
/// The Runestone server: the store plus Loki's HTTP API on Kestrel. Start it, use
/// <see cref="BaseAddress"/>, dispose it. The HTTP port opens at once; /ready answers 503 until
/// the WAL has been replayed.
/// </summary>
public sealed class RunestoneServer : IAsyncDisposable
{
    private const int MaxBodyBytes = 100 << 20;
    private readonly RunestoneOptions _options;
    private readonly ServerMetrics _metrics = new();
    private readonly TenantResolver _tenants;
    private readonly TimeProvider _clock;
    private readonly TaskCompletionSource<LogStore> _store = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;
    private PushService? _push;

    public RunestoneServer(RunestoneOptions options, TimeProvider? clock = null)
    {
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _tenants = new TenantResolver(options.AuthEnabled);
    }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1:3100/");

    /// <summary>Completes when replay is done and the server accepts writes and reads.</summary>
    public Task Ready => _store.Task;

    public IReadOnlyList<string> StoreWarnings => _store.Task.IsCompletedSuccessfully ? _store.Task.Result.Warnings : [];

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.AddServerHeader = false;
        });
        builder.WebHost.UseUrls($"http://{FormatHost(_options.Server.HttpListenAddress)}:{_options.Server.HttpListenPort}");
        _app = builder.Build();
        MapRoutes(_app);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        _ = OpenStoreAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        if (_store.Task.IsCompletedSuccessfully)
        {
            var store = _store.Task.Result;
            if (_options.Ingester.Wal.FlushOnShutdown || !_options.Ingester.Wal.Enabled)
            {
                try
                {
                    await store.FlushAllAsync().ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    await Console.Error.WriteLineAsync("runestone: flush on shutdown failed, data stays in the WAL: " + ex.Message).ConfigureAwait(false);
                }
            }

            await store.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;

    private async Task OpenStoreAsync()
    {
        try
        {
            var watch = Stopwatch.StartNew();
            _metrics.WalReplayStarted();
            var storeOptions = new StoreOptions
            {
                ChunksDirectory = _options.ChunksDirectory,
                WalDirectory = _options.WalDirectory,
                IndexDirectory = Path.Combine(_options.Common.PathPrefix, "index"),
                Encoding = BlockCodec.Parse(_options.Ingester.ChunkEncoding),
                BlockSize = (int)_options.Ingester.ChunkBlockSize,
                ChunkTargetSize = _options.Ingester.ChunkTargetSize,
                ChunkIdlePeriod = _options.Ingester.ChunkIdlePeriod,
                MaxChunkAge = _options.Ingester.MaxChunkAge,
                FlushCheckPeriod = _options.Ingester.FlushCheckPeriod,
                WalEnabled = _options.Ingester.Wal.Enabled,
                WalSync = _options.Ingester.Wal.Fsync switch
                {
                    FsyncPolicy.Interval => WalSyncMode.Interval,
                    FsyncPolicy.Never => WalSyncMode.Never,
                    _ => WalSyncMode.Always,
                },
                WalSyncInterval = _options.Ingester.Wal.FsyncInterval,
                Clock = _clock,
            };
            var store = await LogStore.OpenAsync(storeOptions).ConfigureAwait(false);
            store.ChunksFlushed = (reason, count) =>
            {
                for (var i = 0; i < count; i++)
                {
                    _metrics.ChunkFlushed(reason);
                }
            };
            _metrics.WalReplayFinished(watch.Elapsed.TotalSeconds);
            foreach (var warning in store.Warnings)
            {
                await Console.Error.WriteLineAsync("runestone: " + warning).ConfigureAwait(false);
            }

            _push = new PushService(store, new PushValidator(_options.Limits, _clock), new TenantLimits(_options.Limits, _clock), _metrics);
            _store.TrySetResult(store);
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync("runestone: cannot open the store: " + ex.Message).ConfigureAwait(false);
            _store.TrySetException(ex);
        }
    }

    private void MapRoutes(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var watch = Stopwatch.StartNew();
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (BadRequestException ex)
            {
                await WriteError(context, ex.StatusCode, ex.Message).ConfigureAwait(false);
            }
            catch (QueryException ex)
            {
                await WriteError(context, 400, ex.Message).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away.
            }
            catch (OperationCanceledException)
            {
                await WriteError(context, 504, "query timed out: narrow the time range or raise limits_config.query_timeout").ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex)
            {
                await WriteError(context, ex.StatusCode, ex.Message).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await WriteError(context, 500, "storage error: " + ex.Message).ConfigureAwait(false);
            }

            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "other";
            _metrics.ObserveRequest(context.Request.Method, route, context.Response.StatusCode, watch.Elapsed.TotalSeconds);
        });

        app.MapGet("/ready", async context =>
        {
            if (!_store.Task.IsCompletedSuccessfully)
            {
                await WriteError(context, 503, _store.Task.IsFaulted ? "store failed to open: " + _store.Task.Exception!.InnerException!.Message : "Ingester not ready: replaying the write-ahead log").ConfigureAwait(false);
                return;
            }

            await WriteText(context, 200, "ready").ConfigureAwait(false);
        });
        app.MapGet("/metrics", async context =>
        {
            if (_store.Task.IsCompletedSuccessfully)
            {
                _metrics.SetMemoryChunks(_store.Task.Result.MemoryStreams);
                foreach (var tenant in _store.Task.Result.Tenants)
                {
                    _metrics.SetActiveStreams(tenant, _store.Task.Result.StreamCount(tenant));
                }
            }

            context.Response.ContentType = ServerMetrics.ContentType;
            await _metrics.ExportAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/config", context => WriteText(context, 200, ConfigPrinter.ToYaml(_options), "text/plain; charset=utf-8"));
        app.MapGet("/loki/api/v1/status/buildinfo", async context =>
        {
            context.Response.ContentType = "application/json";
            await using var w = new Utf8JsonWriter(context.Response.BodyWriter, LokiJson.WriterOptions);
            w.WriteStartObject();
            w.WriteString("version", BuildInfo.Version);
            w.WriteString("revision", BuildInfo.Revision);
            w.WriteString("branch", "main");
            w.WriteString("buildUser", "runestone");
            w.WriteString("buildDate", "");
            w.WriteString("goVersion", "");
            w.WriteEndObject();
        });
        app.MapPost("/flush", async context =>
        {
            var store = await StoreOrThrow().ConfigureAwait(false);
            await store.FlushAllAsync(context.RequestAborted).ConfigureAwait(false);
            context.Response.StatusCode = 204;
        });
        app.MapPost("/loki/api/v1/push", HandlePush);
        app.MapPost("/api/prom/push", HandlePush);
        app.MapMethods("/loki/api/v1/query_range", ["GET", "POST"], HandleQueryRange);
        app.MapMethods("/loki/api/v1/query", ["GET", "POST"], HandleQuery);
        app.MapMethods("/loki/api/v1/labels", ["GET", "POST"], HandleLabels);
        app.MapMethods("/loki/api/v1/label", ["GET", "POST"], HandleLabels);
        app.MapMethods("/loki/api/v1/label/{name}/values", ["GET", "POST"], HandleLabelValues);
        app.MapMethods("/loki/api/v1/series", ["GET", "POST"], HandleSeries);
        app.MapMethods("/loki/api/v1/format_query", ["GET", "POST"], HandleFormatQuery);
    }

    private async Task<LogStore> StoreOrThrow()
    {
        if (!_store.Task.IsCompleted)
        {
            throw new BadRequestException("Ingester not ready: replaying the write-ahead log; retry shortly", 503);
        }

        return await _store.Task.ConfigureAwait(false);
    }

    private async Task HandlePush(HttpContext context)
    {
        var tenant = _tenants.Resolve(context.Request);
        await StoreOrThrow().ConfigureAwait(false);
        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        try
        {
            var contentType = context.Request.ContentType ?? string.Empty;
            var isJson = contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
            PushRequest? request;
            string? error;
            var ok = isJson
                ? PushDecoder.TryDecodeJson(body.Span, out request, out error)
                : PushDecoder.TryDecodeProtobuf(body.Span, PushDecoder.DefaultMaxDecompressedBytes, out request, out error);
            if (!ok)
            {
                throw new BadRequestException(isJson ? "error parsing JSON push body: " + error : "error decoding protobuf push body (expected snappy-compressed logproto.PushRequest; send Content-Type: application/json for JSON): " + error);
            }

            using (request)
            {
                var refusal = await _push!.PushAsync(tenant, request!, context.RequestAborted).ConfigureAwait(false);
                if (refusal is { } r)
                {
                    await WriteText(context, r.Status, r.Message + "\n").ConfigureAwait(false);
                    return;
                }
            }

            context.Response.StatusCode = 204;
        }
        finally
        {
            body.Return();
        }
    }

    private static async Task<PooledBody> ReadBodyAsync(HttpRequest request)
    {
        Stream source = request.Body;
        var encoding = request.Headers.ContentEncoding.ToString();
        GZipStream? gzip = null;
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
            source = gzip;
        }
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase) && !encoding.Equals("snappy", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadRequestException($"unsupported Content-Encoding '{encoding}': use gzip or none", 415);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 64 * 1024, 1024, MaxBodyBytes));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxBodyBytes)
                    {
                        throw new BadRequestException($"request body too large: the limit is {MaxBodyBytes} bytes; send smaller batches", 413);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxBodyBytes));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await source.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (InvalidDataException ex)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new BadRequestException("invalid gzip body: " + ex.Message);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        finally
        {
            if (gzip is not null)
            {
                await gzip.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new PooledBody(buffer, length);
    }

    private async Task HandleQueryRange(HttpContext context)
    {
        var tenant = _tenants.Resolve(context.Request);
        var p = await RequestParameters.ReadAsync(context.Request).ConfigureAwait(false);
        var query = p.RequiredQuery();
        var now = UnixNanos.Now(_clock);
        var (start, end) = p.Range(now, TimeSpan.FromHours(1));
        var step = p.Duration("step");
        if (step == 0)
        {
            // Loki's default step: the range over 250 points, at least one second.
            step = Math.Max((end - start) / 250 / UnixNanos.PerSecond * UnixNanos.PerSecond, UnixNanos.PerSecond);
        }

        if (step < 0)
        {
            throw new BadRequestException("zero or negative query resolution step widths are not accepted. Try a positive integer");
        }

        var parameters = new QueryParameters(query, start, end, step, p.Duration("interval"), p.Limit(100), p.Direction(), Instant: false);
        await RunQuery(context, tenant, parameters, "query_range").ConfigureAwait(false);
    }

    private async Task HandleQuery(HttpContext context)
    {
        var tenant = _tenants.Resolve(context.Request);
        var p = await RequestParameters.ReadAsync(context.Request).ConfigureAwait(false);
        var query = p.RequiredQuery();
        var time = p.Time("time", UnixNanos.Now(_clock));
        var limit = p.Limit(100);
        QueryParameters parameters;
        if (LogQLParser.Parse(query) is LogSelectorExpr)
        {
            // Loki 3 refuses instant log queries; the seed's troubleshooting guide (and Loki 2.x)
            // uses them, so Runestone answers with the last hour's entries up to `time`.
            parameters = new QueryParameters(query, time - UnixNanos.FromTimeSpan(TimeSpan.FromHours(1)), time + 1, 0, 0, limit, p.Direction(), Instant: false);
        }
        else
        {
            parameters = new QueryParameters(query, time, time, 0, 0, limit, p.Direction(), Instant: true);
        }

        await RunQuery(context, tenant, parameters, "query").ConfigureAwait(false);
    }

    private async Task RunQuery(HttpContext context, string tenant, QueryParameters parameters, string endpoint)
    {
        var categorize = context.Request.Headers["X-Loki-Response-Encoding-Flags"].ToString().Contains("categorize-labels", StringComparison.OrdinalIgnoreCase);
        parameters = parameters with { CategorizeLabels = categorize };
        var store = await StoreOrThrow().ConfigureAwait(false);
        var engine = new QueryEngine(new StoreStreamSource(store, tenant), EngineOptions());
        var stats = new QueryStatistics();
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (_options.Limits.QueryTimeout > TimeSpan.Zero)
        {
            timeout.CancelAfter(_options.Limits.QueryTimeout);
        }

        var result = await Task.Run(() => engine.Execute(parameters, stats, timeout.Token), timeout.Token).ConfigureAwait(false);
        var seconds = watch.Elapsed.TotalSeconds;
        _metrics.ObserveQuery(endpoint, seconds);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var w = new Utf8JsonWriter(context.Response.BodyWriter, LokiJson.WriterOptions);
        LokiJson.WriteQueryResponse(w, result, stats, seconds, categorize);
    }

    private QueryEngineOptions EngineOptions() => new()
    {
        MaxEntriesLimitPerQuery = _options.Limits.MaxEntriesLimitPerQuery,
        MaxQuerySeries = _options.Limits.MaxQuerySeries,
        MaxQueryLength = _options.Limits.MaxQueryLength,
    };

    private async Task HandleLabels(HttpContext context)
    {
        var tenant = _tenants.Resolve(context.Request);
        var p = await RequestParameters.ReadAsync(context.Request).ConfigureAwait(false);
        var store = await StoreOrThrow().ConfigureAwait(false);
        var (start, end) = p.Range(UnixNanos.Now(_clock), TimeSpan.FromHours(6));
        var matchers = SelectorOrAll(p.Get("query"));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var labels in store.Series(tenant, matchers, start, end + 1))
        {
            foreach (var pair in labels.Pairs)
            {
                names.Add(pair.Name);
            }
        }

        await WriteJson(context, w => LokiJson.WriteStringList(w, names)).ConfigureAwait(false);
    }

    private async Task HandleLabelValues(HttpContext context)
    {
        var tenant = _tenants.Resolve(context.Request);
        var name = (string)context.Request.RouteValues["name"]!;
        var p = await RequestParameters.ReadAsync(context.Request).ConfigureAwait(false);
        var store = await StoreOrThrow().ConfigureAwait(false);
        var (start, end) = p.Range(UnixNanos.Now(_clock), TimeSpan.FromHours(6));
        var matchers = SelectorOrAll(p.Get("query"));
        var values = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var labels in store.Series(tenant, matchers, start, end + 1))
        {
            if (labels.Get(name) is { } value)
            {
                values.Add(value);
            }
        }

        await WriteJson(context, w => LokiJson.WriteStringList(w, values)).ConfigureAwait(false);
    }

    private async Task HandleSeries(HttpContext context)
    {
        var tenant = _tenants.Resolve(context.Request);
        var p = await RequestParameters.ReadAsync(context.Request).ConfigureAwait(false);
        var store = await StoreOrThrow().ConfigureAwait(false);
        var (start, end) = p.Range(UnixNanos.Now(_clock), TimeSpan.FromHours(6));
        var sets = new List<IReadOnlyList<Core.Labels.LabelMatcher>>();
        foreach (var match in p.GetAll("match[]"))
        {
            sets.Add(LogQLParser.ParseSelector(match));
        }

        foreach (var match in p.GetAll("match"))
        {
            sets.Add(LogQLParser.ParseSelector(match));
        }

        var series = store.Series(tenant, sets, start, end + 1);
        await WriteJson(context, w => LokiJson.WriteSeries(w, series)).ConfigureAwait(false);
    }

    private static async Task HandleFormatQuery(HttpContext context)
    {
        var p = await RequestParameters.ReadAsync(context.Request).ConfigureAwait(false);
        var query = p.RequiredQuery();
        // Loki answers with syntax.Prettify's multi-line layout, not the one-line String().
        var formatted = Prettifier.Prettify(LogQLParser.Parse(query));
        await WriteJson(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "success");
            w.WriteString("data", formatted);
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static IReadOnlyList<IReadOnlyList<Core.Labels.LabelMatcher>> SelectorOrAll(string? query) =>
        string.IsNullOrWhiteSpace(query) ? [] : [LogQLParser.ParseSelector(query)];

    private static async Task WriteJson(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var w = new Utf8JsonWriter(context.Response.BodyWriter, LokiJson.WriterOptions);
        write(w);
    }

    private static Task WriteError(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        return WriteText(context, status, message + "\n");
    }

    private static async Task WriteText(HttpContext context, int status, string text, string contentType = "text/plain; charset=utf-8")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }

    private readonly record struct PooledBody(byte[] Buffer, int Length)
    {
        public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }
}
