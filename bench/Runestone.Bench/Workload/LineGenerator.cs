using System.Globalization;
using System.Text.Unicode;

namespace Runestone.Bench.Workload;

/// <summary>
/// Deterministic generator of Kubernetes-like log lines (~100 bytes): logfmt, JSON and nginx
/// access logs over ~100 streams of unequal volume. The same seed always yields the same
/// streams, the same lines and the same needle positions.
/// </summary>
internal sealed class LineGenerator
{
    /// <summary>A string that random content can never produce (ids are hex, this has a dash and 'q').</summary>
    public const string Needle = "needle-q7d3c9a1f5e2b";

    /// <summary>
    /// A rare-ish pattern (about 1 line in 100,000): a database timeout logged from one range of
    /// retry.go lines that ended in a 504. Rare enough that a query with limit 100 must scan
    /// everything; written without backslashes or quotes so LogQL and grep -E read it alike.
    /// </summary>
    public const string RareRegex = "retry.go:8[0-9][0-9] msg=.database timeout.*status=504";

    /// <summary>On average one line in this many carries the needle.</summary>
    public const int NeedleOneIn = 1_000_000;

    private static readonly string[] s_namespaces = ["default", "kube-system", "payments", "checkout", "monitoring", "ingress-nginx", "auth", "search", "inventory", "notifications"];
    private static readonly string[] s_apps = ["api", "worker", "frontend", "gateway", "scheduler", "cache", "billing", "indexer", "mailer", "ledger", "cart", "session"];
    internal static readonly string[] Callers = ["server.go", "handler.go", "client.go", "queue.go", "db.go", "retry.go", "auth.go", "cache.go"];
    internal static readonly string[] InfoMessages = ["request completed", "cache hit", "order created", "user logged in", "job finished", "payment authorized", "index refreshed", "session renewed", "message published", "health check ok"];
    internal static readonly string[] WarnMessages = ["slow query", "retrying request", "cache miss storm", "queue depth high", "certificate expires soon"];
    internal static readonly string[] ErrorMessages = ["upstream request timeout", "context deadline exceeded", "connection refused", "database timeout after retries", "invalid token", "downstream returned error", "panic recovered"];
    private static readonly string[] s_methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];
    private static readonly string[] s_paths = ["/api/v1/orders", "/api/v1/users", "/api/v1/cart", "/healthz", "/api/v2/search", "/static/app.js", "/api/v1/payments", "/login"];
    private static readonly string[] s_agents = ["Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "Go-http-client/1.1", "kube-probe/1.30", "okhttp/4.12.0"];
    internal static readonly int[] OkStatuses = [200, 200, 200, 200, 201, 204, 301, 304, 404];
    internal static readonly int[] ErrorStatuses = [500, 502, 503, 504, 429];

    private readonly Random _random;
    private readonly double[] _cumulative;
    private long _lines;

    public LineGenerator(int seed, int streamCount)
    {
        _random = new Random(seed);
        var streams = new List<WorkloadStream>(streamCount);
        var weights = new double[streamCount];
        double total = 0;
        for (var i = 0; i < streamCount; i++)
        {
            var ns = s_namespaces[i % s_namespaces.Length];
            var app = s_apps[(i * 7 + i / s_namespaces.Length) % s_apps.Length];
            var format = ns == "ingress-nginx" ? LineFormat.Nginx : (i % 3 == 1 ? LineFormat.Json : LineFormat.Logfmt);
            var container = format == LineFormat.Nginx ? "controller" : app;
            var pod = $"{app}-{Hex(_random, 10)}-{Hex(_random, 5)}";
            var node = $"node-{1 + i % 12:00}";
            var labels = $"{{app=\"{app}\", container=\"{container}\", job=\"{ns}/{app}\", namespace=\"{ns}\", node_name=\"{node}\", pod=\"{pod}\"}}";
            // Zipf-like volumes: a few chatty streams, a long tail of quiet ones.
            var weight = 1.0 / Math.Pow(i + 1, 0.8);
            weights[i] = weight;
            total += weight;
            streams.Add(new WorkloadStream(i, labels, app, pod, format, weight));
        }

        _cumulative = new double[streamCount];
        double running = 0;
        for (var i = 0; i < streamCount; i++)
        {
            running += weights[i] / total;
            _cumulative[i] = running;
        }

        _cumulative[^1] = 1.0;
        Streams = streams;
    }

    public IReadOnlyList<WorkloadStream> Streams { get; }

    /// <summary>Lines generated so far.</summary>
    public long Lines => _lines;

    /// <summary>Lines that carried the needle so far.</summary>
    public long Needles { get; private set; }

    /// <summary>Picks the stream of the next line.</summary>
    public WorkloadStream NextStream()
    {
        var x = _random.NextDouble();
        var index = Array.BinarySearch(_cumulative, x);
        return Streams[index < 0 ? Math.Min(~index, Streams.Count - 1) : index];
    }

    /// <summary>Writes one line (no newline) for <paramref name="stream"/> at <paramref name="timestampNs"/>; returns its length.</summary>
    public int Write(WorkloadStream stream, long timestampNs, Span<byte> destination)
    {
        _lines++;
        // One deterministic needle early on so that small runs have one too, then ~1 in a million.
        var needle = _lines == 100_000 || _random.Next(NeedleOneIn) == 0;
        if (needle)
        {
            Needles++;
        }

        var r = _random;
        var time = DateTime.UnixEpoch.AddTicks(timestampNs / 100);
        var roll = r.Next(100);
        var isError = roll < 4;
        var level = isError ? "error" : roll < 12 ? "warn" : roll < 20 ? "debug" : "info";
        var status = isError ? ErrorStatuses[r.Next(ErrorStatuses.Length)] : OkStatuses[r.Next(OkStatuses.Length)];
        var message = isError ? ErrorMessages[r.Next(ErrorMessages.Length)] : level == "warn" ? WarnMessages[r.Next(WarnMessages.Length)] : InfoMessages[r.Next(InfoMessages.Length)];
        var duration = isError ? 1000 + r.Next(29_000) : r.Next(1, 900);
        var path = s_paths[r.Next(s_paths.Length)];
        var method = s_methods[r.Next(s_methods.Length)];
        Span<char> traceChars = stackalloc char[16];
        for (var i = 0; i < traceChars.Length; i++)
        {
            traceChars[i] = "0123456789abcdef"[r.Next(16)];
        }

        // Request ids on some lines (high-entropy, as in real logs); the needle always rides in one.
        var withTrace = needle || r.Next(100) < 30;
        ReadOnlySpan<char> trace = needle ? Needle : traceChars;
        int written;
        var ok = stream.Format switch
        {
            LineFormat.Logfmt => withTrace
                ? Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
                    $"level={level} ts={time:yyyy-MM-ddTHH:mm:ss.fffZ} caller={Callers[r.Next(Callers.Length)]}:{r.Next(20, 900)} msg=\"{message}\" duration={duration}ms status={status} trace_id={trace}", out written)
                : Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
                    $"level={level} ts={time:yyyy-MM-ddTHH:mm:ss.fffZ} caller={Callers[r.Next(Callers.Length)]}:{r.Next(20, 900)} msg=\"{message}\" duration={duration}ms status={status}", out written),
            LineFormat.Json => withTrace
                ? Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
                    $"{{\"level\":\"{level}\",\"ts\":\"{time:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"msg\":\"{message}\",\"path\":\"{path}/{r.Next(100_000)}\",\"status\":{status},\"trace_id\":\"{trace}\"}}", out written)
                : Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
                    $"{{\"level\":\"{level}\",\"ts\":\"{time:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"msg\":\"{message}\",\"method\":\"{method}\",\"path\":\"{path}/{r.Next(100_000)}\",\"status\":{status},\"duration_ms\":{duration}}}", out written),
            _ => withTrace
                ? Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
                    $"10.{r.Next(256)}.{r.Next(256)}.{r.Next(256)} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"{method} {path}/{r.Next(100_000)} HTTP/1.1\" {status} {r.Next(100, 60_000)} \"{s_agents[r.Next(s_agents.Length)]}\" {duration / 1000.0:0.000} {trace}", out written)
                : Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
                    $"10.{r.Next(256)}.{r.Next(256)}.{r.Next(256)} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"{method} {path}/{r.Next(100_000)} HTTP/1.1\" {status} {r.Next(100, 60_000)} \"{s_agents[r.Next(s_agents.Length)]}\" {duration / 1000.0:0.000}", out written),
        };

        if (!ok)
        {
            throw new InvalidOperationException("line buffer too small");
        }

        return written;
    }

    private static string Hex(Random random, int length)
    {
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[random.Next(36)];
        }

        return new string(chars);
    }
}
