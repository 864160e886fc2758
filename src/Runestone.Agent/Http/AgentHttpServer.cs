using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Runestone.Agent.Config;

namespace Runestone.Agent.Http;

/// <summary>The agent's HTTP endpoint: <c>/ready</c>, <c>/metrics</c>, <c>/targets</c>, <c>/service-discovery</c>, <c>/config</c>.</summary>
public sealed class AgentHttpServer : IAsyncDisposable
{
    private readonly AgentRuntime _runtime;
    private WebApplication? _app;

    public AgentHttpServer(AgentRuntime runtime) => _runtime = runtime;

    public string? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var server = _runtime.Config.Server;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            var host = server.HttpListenAddress;
            if (string.IsNullOrEmpty(host) || host == "0.0.0.0")
            {
                k.ListenAnyIP(server.HttpListenPort);
            }
            else
            {
                k.Listen(host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host), server.HttpListenPort);
            }
        });
        _app = builder.Build();
        _app.MapGet("/ready", () =>
        {
            _runtime.UpdateGauges();
            return _runtime.IsReady
                ? Results.Text("Ready\n")
                : Results.Text("Not ready: Unable to find any logs to tail. Please verify permissions, volumes, scrape_config, etc.\n", statusCode: 500);
        });
        _app.MapGet("/metrics", async (HttpContext ctx) =>
        {
            _runtime.UpdateGauges();
            var text = await _runtime.Metrics.ExportAsync(DateTimeOffset.UtcNow, ctx.RequestAborted).ConfigureAwait(false);
            return Results.Text(text, "text/plain; version=0.0.4; charset=utf-8");
        });
        _app.MapGet("/targets", () => Results.Content(StatusPages.Targets(_runtime.Targets(), _runtime.FileManagers), "text/html; charset=utf-8"));
        _app.MapGet("/service-discovery", () => Results.Content(StatusPages.ServiceDiscovery(_runtime.Targets()), "text/html; charset=utf-8"));
        _app.MapGet("/config", () => Results.Text(ConfigPrinter.Print(_runtime.Config), "text/plain; charset=utf-8"));
        _app.MapGet("/", () => Results.Redirect("/targets"));
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        Address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
