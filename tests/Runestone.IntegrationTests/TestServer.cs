using Runestone.Server;
using Runestone.Server.Configuration;

namespace Runestone.IntegrationTests;

/// <summary>An in-process <see cref="RunestoneServer"/> on a loopback port with a client for it.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private TestServer(RunestoneServer server, RunestoneOptions options)
    {
        Server = server;
        Options = options;
        Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Loki = new Loki(Http);
    }

    public RunestoneServer Server { get; }

    public RunestoneOptions Options { get; }

    public HttpClient Http { get; }

    public Loki Loki { get; }

    /// <summary>Options for a test that is not about limits: loopback, port 0, generous rates, no fsync.</summary>
    public static RunestoneOptions DefaultOptions(string directory, bool auth = true) => new()
    {
        AuthEnabled = auth,
        Server = new ServerOptions { HttpListenAddress = "127.0.0.1", HttpListenPort = 0 },
        Common = new CommonOptions { PathPrefix = directory },
        Ingester = new IngesterOptions { Wal = new WalOptions { Fsync = FsyncPolicy.Never } },
        Limits = new LimitsOptions
        {
            IngestionRateMB = 1024,
            IngestionBurstSizeMB = 1024,
            PerStreamRateLimit = 1L << 30,
            PerStreamRateLimitBurst = 1L << 30,
        },
    };

    public static async Task<TestServer> StartAsync(RunestoneOptions options)
    {
        var server = new RunestoneServer(options);
        await server.StartAsync();
        await server.Ready.WaitAsync(TimeSpan.FromSeconds(30));
        return new TestServer(server, options);
    }

    public static Task<TestServer> StartAsync(string directory, bool auth = true, Func<RunestoneOptions, RunestoneOptions>? configure = null)
    {
        var options = DefaultOptions(directory, auth);
        return StartAsync(configure is null ? options : configure(options));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
