using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Runestone.Agent.Kubernetes.Tests;

/// <summary>
/// A stand-in for the Kubernetes API server on 127.0.0.1: answers the pod list with recorded JSON
/// and streams watch events (one JSON object per line, as the API server does) fed by the test.
/// </summary>
internal sealed class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeApiServer(WebApplication app) => _app = app;

    public string PodListJson { get; set; } = "{}";

    public Channel<string> WatchEvents { get; } = Channel.CreateUnbounded<string>();

    public List<string> Requests { get; } = [];

    public string Url { get; private set; } = string.Empty;

    public static async Task<FakeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeApiServer(app);
        RequestDelegate handler = async ctx =>
        {
            lock (server.Requests)
            {
                server.Requests.Add(ctx.Request.Path + ctx.Request.QueryString);
            }

            ctx.Response.ContentType = "application/json";
            if (ctx.Request.Query["watch"] == "true")
            {
                await ctx.Response.StartAsync();
                try
                {
                    await foreach (var ev in server.WatchEvents.Reader.ReadAllAsync(ctx.RequestAborted))
                    {
                        if (ev == "CLOSE")
                        {
                            return;
                        }

                        await ctx.Response.WriteAsync(ev + "\n", ctx.RequestAborted);
                        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                    }
                }
                catch (OperationCanceledException)
                {
                }

                return;
            }

            await ctx.Response.WriteAsync(server.PodListJson);
        };
        app.MapGet("/api/v1/pods", handler);
        app.MapGet("/api/v1/namespaces/{ns}/pods", handler);
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        WatchEvents.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
