using System.Net;
using System.Text;
using Runestone.Protocol.Push;

namespace Runestone.Bench.Workload;

/// <summary>
/// A tiny push sink on 127.0.0.1 for trying the workload tool without a real server: it decodes
/// every push with <see cref="PushDecoder"/> (answering 400 with the decoder's message on bad
/// input), answers /flush with 204 and queries with an empty result. It stops by itself after
/// <c>--max-seconds</c> (default 600).
/// </summary>
internal static class StandInServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var port = 3100;
        var maxSeconds = 600;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--port": port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--max-seconds": maxSeconds = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                default: await Console.Error.WriteLineAsync($"standin: unknown option {args[i]}").ConfigureAwait(false); return 2;
            }
        }

        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(maxSeconds));
        long lines = 0;
        long bytes = 0;
        Console.WriteLine($"standin: listening on http://127.0.0.1:{port}/ for at most {maxSeconds}s");
        using var registration = stop.Token.Register(listener.Stop);
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            _ = Task.Run(async () =>
            {
                var (status, text) = await HandleAsync(context.Request).ConfigureAwait(false);
                if (status == 204 && text == "push")
                {
                    text = string.Empty;
                }

                context.Response.StatusCode = status;
                var payload = Encoding.UTF8.GetBytes(text);
                await context.Response.OutputStream.WriteAsync(payload).ConfigureAwait(false);
                context.Response.Close();
            });
        }

        Console.WriteLine($"standin: stopped after {lines:N0} lines, {bytes:N0} bytes");
        return 0;

        async Task<(int Status, string Text)> HandleAsync(HttpListenerRequest request)
        {
            var path = request.Url!.AbsolutePath;
            if (request.HttpMethod == "POST" && path == "/loki/api/v1/push")
            {
                using var body = new MemoryStream();
                await request.InputStream.CopyToAsync(body).ConfigureAwait(false);
                var json = request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true;
                var ok = json
                    ? PushDecoder.TryDecodeJson(body.GetBuffer().AsSpan(0, (int)body.Length), out var decoded, out var error)
                    : PushDecoder.TryDecodeProtobuf(body.GetBuffer().AsSpan(0, (int)body.Length), PushDecoder.DefaultMaxDecompressedBytes, out decoded, out error);
                if (!ok)
                {
                    return (400, error + "\n");
                }

                Interlocked.Add(ref lines, decoded!.TotalEntries);
                Interlocked.Add(ref bytes, decoded.TotalLineBytes);
                decoded.Dispose();
                return (204, "push");
            }

            return (request.HttpMethod, path) switch
            {
                ("POST", "/flush") => (204, string.Empty),
                ("GET", "/ready") => (200, "ready\n"),
                ("GET", "/loki/api/v1/query_range") => (200, "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[]}}"),
                _ => (404, "not found\n"),
            };
        }
    }
}
