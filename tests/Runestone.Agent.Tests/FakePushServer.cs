using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Runestone.Protocol.Push;

namespace Runestone.Agent.Tests;

/// <summary>A Loki push endpoint on 127.0.0.1 that decodes protobuf+snappy bodies and records entries.</summary>
internal sealed class FakePushServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _down;

    public sealed record Received(string Labels, long TimestampNs, string Line, string Tenant);

    private FakePushServer(WebApplication app) => _app = app;

    public ConcurrentQueue<Received> Entries { get; } = new();

    public int Requests;

    /// <summary>Status codes to answer before accepting (consumed in order); empty means 204.</summary>
    public ConcurrentQueue<int> FailWith { get; } = new();

    /// <summary>When true, every request is answered 503.</summary>
    public bool Down
    {
        get => Volatile.Read(ref _down);
        set => Volatile.Write(ref _down, value);
    }

    public string Url { get; private set; } = string.Empty;

    public static async Task<FakePushServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakePushServer(app);
        app.MapPost("/loki/api/v1/push", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref server.Requests);
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            if (server.Down)
            {
                return Results.StatusCode(503);
            }

            if (server.FailWith.TryDequeue(out var status))
            {
                return Results.StatusCode(status);
            }

            if (!PushDecoder.TryDecodeProtobuf(ms.ToArray(), PushDecoder.DefaultMaxDecompressedBytes, out var request, out var error))
            {
                return Results.BadRequest(error);
            }

            var tenant = ctx.Request.Headers["X-Scope-OrgID"].ToString();
            using (request)
            {
                foreach (var s in request.Streams)
                {
                    foreach (var e in s.Entries)
                    {
                        server.Entries.Enqueue(new Received(s.Labels, e.TimestampNs, System.Text.Encoding.UTF8.GetString(e.Line.Span), tenant));
                    }
                }
            }

            return Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = address + "/loki/api/v1/push";
        return server;
    }

    public async Task<bool> WaitForAsync(Func<FakePushServer, bool> condition, int timeoutMs = 15000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            if (condition(this))
            {
                return true;
            }

            await Task.Delay(20);
        }

        return condition(this);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
