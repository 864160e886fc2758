using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Runestone.Agent.Config;
using Runestone.Agent.Pipeline;
using Runestone.Agent.Relabeling;
using Runestone.Agent.Targets;
using Runestone.Core.Labels;
using Runestone.Core.Time;
using Runestone.Protocol.Push;

namespace Runestone.Agent.PushApi;

/// <summary>
/// <c>loki_push_api</c>: an HTTP endpoint speaking Loki's push API (protobuf+snappy or JSON) whose
/// streams get the configured labels, relabeling and the job's pipeline, then go to the clients.
/// </summary>
public sealed class PushApiTarget : ITargetReporter, IAsyncDisposable
{
    private readonly ScrapeConfig _scrape;
    private readonly PushApiConfig _config;
    private readonly PipelineRunner _runner;
    private readonly TimeProvider _clock;
    private WebApplication? _app;

    public PushApiTarget(ScrapeConfig scrape, PipelineRunner runner, TimeProvider clock)
    {
        _scrape = scrape;
        _config = scrape.LokiPushApi!;
        _runner = runner;
        _clock = clock;
    }

    public string? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var host = string.IsNullOrEmpty(_config.ListenAddress) || _config.ListenAddress == "0.0.0.0" ? "0.0.0.0" : _config.ListenAddress;
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (host == "0.0.0.0")
            {
                k.ListenAnyIP(_config.ListenPort);
            }
            else
            {
                k.Listen(IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host), _config.ListenPort);
            }
        });
        _app = builder.Build();
        _app.MapPost("/loki/api/v1/push", (Delegate)HandleAsync);
        _app.MapPost("/api/prom/push", (Delegate)HandleAsync);
        _app.MapGet("/ready", () => Results.Text("ready\n"));
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        Address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
    }

    public IReadOnlyList<TargetInfo> Targets() =>
    [
        new TargetInfo(_scrape.JobName, "loki_push_api", new Dictionary<string, string> { ["__address__"] = Address ?? $"{_config.ListenAddress}:{_config.ListenPort}" }, _config.Labels, Address is not null, Address is null ? "not listening" : $"listening on {Address}"),
    ];

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        await _runner.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<IResult> HandleAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted).ConfigureAwait(false);
        var body = ms.GetBuffer().AsSpan(0, (int)ms.Length);
        var contentType = ctx.Request.ContentType ?? string.Empty;
        PushRequest? request;
        string? error;
        var ok = contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            ? PushDecoder.TryDecodeJson(body, out request, out error)
            : PushDecoder.TryDecodeProtobuf(body, PushDecoder.DefaultMaxDecompressedBytes, out request, out error);
        if (!ok)
        {
            return Results.Text(error + "\n", statusCode: 400);
        }

        var tenant = ctx.Request.Headers["X-Scope-OrgID"].ToString();
        var entries = new List<PipelineEntry>();
        using (request)
        {
            foreach (var stream in request!.Streams)
            {
                if (!LabelText.TryParse(stream.Labels, out var streamLabels, out var labelError))
                {
                    return Results.Text(labelError + "\n", statusCode: 400);
                }

                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var p in streamLabels.Pairs)
                {
                    labels[p.Name] = p.Value;
                }

                foreach (var (k, v) in _config.Labels)
                {
                    labels[k] = v;
                }

                if (!Relabeler.Apply(_scrape.RelabelConfigs, labels))
                {
                    continue;
                }

                foreach (var key in labels.Keys.Where(k => k.StartsWith("__", StringComparison.Ordinal)).ToArray())
                {
                    labels.Remove(key);
                }

                if (tenant.Length > 0)
                {
                    labels[PipelineEntry.TenantLabel] = tenant;
                }

                var now = UnixNanos.Now(_clock);
                foreach (var e in stream.Entries)
                {
                    var entry = new PipelineEntry(new Dictionary<string, string>(labels, StringComparer.Ordinal), System.Text.Encoding.UTF8.GetString(e.Line.Span), _config.UseIncomingTimestamp ? e.TimestampNs : now)
                    {
                        ReadTimeNs = now,
                        StructuredMetadata = e.StructuredMetadata is null ? null : [.. e.StructuredMetadata],
                    };
                    entries.Add(entry);
                }
            }
        }

        foreach (var entry in entries)
        {
            await _runner.ProcessAsync(entry, ctx.RequestAborted).ConfigureAwait(false);
        }

        return Results.NoContent();
    }
}
