using System.Text;
using BenchmarkDotNet.Attributes;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.LogQL;
using Runestone.LogQL.Engine;
using Runestone.LogQL.Log;
using Runestone.LogQL.Syntax;

namespace Runestone.Bench;

/// <summary>
/// LogQL hot paths over a synthetic corpus of 20 000 lines per format (logfmt 3.59 MB, JSON,
/// nginx access log): line filters on raw bytes, each parser stage, and metric queries through
/// the engine over 4 streams per format. Throughput is corpus bytes / median time.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class LogQLBenchmarks
{
    private const int LineCount = 20_000;
    private byte[][] _logfmt = [];
    private byte[][] _json = [];
    private byte[][] _nginx = [];
    private ILineFilter _containsHit = null!;
    private ILineFilter _containsMiss = null!;
    private ILineFilter _regexAlternation = null!;
    private ILineFilter _regexIgnoreCase = null!;
    private ILineFilter _regexPrefiltered = null!;
    private StreamPipeline _jsonPipeline = null!;
    private StreamPipeline _logfmtPipeline = null!;
    private StreamPipeline _patternPipeline = null!;
    private StreamPipeline _regexpPipeline = null!;
    private QueryEngine _engine = null!;

    public long LogfmtBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        string[] levels = ["info", "info", "info", "debug", "warn", "error"];
        string[] paths = ["/api/v1/push", "/api/v1/query", "/loki/api/v1/query_range", "/metrics", "/ready"];
        string[] methods = ["GET", "POST", "PUT"];
        _logfmt = new byte[LineCount][];
        _json = new byte[LineCount][];
        _nginx = new byte[LineCount][];
        for (var i = 0; i < LineCount; i++)
        {
            var level = levels[random.Next(levels.Length)];
            var path = paths[random.Next(paths.Length)];
            var method = methods[random.Next(methods.Length)];
            var status = random.Next(20) == 0 ? 500 + random.Next(4) : 200;
            var latency = random.Next(1, 5000);
            var msg = level == "error" ? (random.Next(2) == 0 ? "upstream request failed: Timeout" : "connection refused") : "request served";
            _logfmt[i] = Encoding.UTF8.GetBytes(
                $"ts=2025-11-24T17:{i % 60:D2}:{i % 60:D2}.{i:D6}Z level={level} caller=handler.go:{random.Next(40, 400)} method={method} path={path} status={status} duration={latency}ms bytes={random.Next(100, 90000)} traceID={random.NextInt64():x16} msg=\"{msg}\"");
            _json[i] = Encoding.UTF8.GetBytes(
                $"{{\"ts\":\"2025-11-24T17:00:00.{i:D6}Z\",\"level\":\"{level}\",\"request\":{{\"method\":\"{method}\",\"path\":\"{path}\",\"headers\":{{\"User-Agent\":\"curl/8.5\"}}}},\"response\":{{\"status\":{status},\"bytes\":{random.Next(100, 90000)}}},\"duration_ms\":{latency},\"msg\":\"{msg}\"}}");
            _nginx[i] = Encoding.UTF8.GetBytes(
                $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)} - - [24/Nov/2025:17:00:{i % 60:D2} +0000] \"{method} {path} HTTP/1.1\" {status} {random.Next(100, 90000)} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\"");
            LogfmtBytes += _logfmt[i].Length;
        }

        // The same lines as a text file, so docs/benchmarks.md can time grep on identical input.
        File.WriteAllLines(Path.Combine(Path.GetTempPath(), "runestone-logql-logfmt.txt"), _logfmt.Select(Encoding.UTF8.GetString));

        _containsHit = Filter("{a=\"b\"} |= \"level=error\"");
        _containsMiss = Filter("{a=\"b\"} |= \"needle-q7d3c9a1f5e2b\"");
        _regexAlternation = Filter("{a=\"b\"} |~ \"refused|failed\"");
        _regexIgnoreCase = Filter("{a=\"b\"} |~ \"(?i)timeout\"");
        _regexPrefiltered = Filter("{a=\"b\"} |~ `status=5\\d\\d duration=\\d{4}ms`");
        var labels = LabelSet.Of(("app", "bench"));
        _jsonPipeline = Pipeline("{a=\"b\"} | json", labels);
        _logfmtPipeline = Pipeline("{a=\"b\"} | logfmt", labels);
        _patternPipeline = Pipeline("{a=\"b\"} | pattern `<ip> - - [<_>] \"<method> <path> <_>\" <status> <size> <_>`", labels);
        _regexpPipeline = Pipeline("{a=\"b\"} | regexp `^(?P<ip>\\S+) .* \"(?P<method>\\w+) (?P<path>\\S+) [^\"]*\" (?P<status>\\d+)`", labels);

        var source = new MemorySource();
        foreach (var (format, corpus) in new[] { ("logfmt", _logfmt), ("json", _json) })
        {
            for (var s = 0; s < 4; s++)
            {
                var entries = new List<(long, byte[])>();
                for (var i = s; i < LineCount; i += 4)
                {
                    entries.Add((1_764_000_000_000_000_000L + (i * 1_000_000_000L / 10), corpus[i]));
                }

                source.Streams.Add((LabelSet.Of(("app", "bench"), ("format", format), ("pod", "p" + s)), entries));
            }
        }

        _engine = new QueryEngine(source, new QueryEngineOptions());
    }

    private static ILineFilter Filter(string query) => ((LogSelectorExpr)LogQLParser.Parse(query)).PushdownFilter!;

    private static StreamPipeline Pipeline(string query, LabelSet labels) =>
        new PipelineFactory((LogSelectorExpr)LogQLParser.Parse(query)).ForStream(labels);

    private static int Count(byte[][] lines, ILineFilter filter)
    {
        var n = 0;
        foreach (var line in lines)
        {
            if (filter.Matches(line))
            {
                n++;
            }
        }

        return n;
    }

    private static int Parse(byte[][] lines, StreamPipeline pipeline, bool buildLabels)
    {
        var n = 0;
        foreach (var line in lines)
        {
            if (pipeline.Process(0, line, default, out _))
            {
                n += buildLabels ? pipeline.Labels().Count : 1;
            }
        }

        return n;
    }

    [Benchmark]
    public int FilterContainsHit() => Count(_logfmt, _containsHit);

    [Benchmark]
    public int FilterContainsMiss() => Count(_logfmt, _containsMiss);

    [Benchmark]
    public int FilterRegexAlternation() => Count(_logfmt, _regexAlternation);

    [Benchmark]
    public int FilterRegexIgnoreCase() => Count(_logfmt, _regexIgnoreCase);

    [Benchmark]
    public int FilterRegexPrefiltered() => Count(_logfmt, _regexPrefiltered);

    /// <summary>Parsing only: every key becomes a label in the entry's builder.</summary>
    [Benchmark]
    public int ParseJson() => Parse(_json, _jsonPipeline, buildLabels: false);

    [Benchmark]
    public int ParseLogfmt() => Parse(_logfmt, _logfmtPipeline, buildLabels: false);

    [Benchmark]
    public int ParsePattern() => Parse(_nginx, _patternPipeline, buildLabels: false);

    [Benchmark]
    public int ParseRegexp() => Parse(_nginx, _regexpPipeline, buildLabels: false);

    /// <summary>Parsing plus the entry's final label set, as a log query returning every line would need.</summary>
    [Benchmark]
    public int ParseLogfmtWithLabelSets() => Parse(_logfmt, _logfmtPipeline, buildLabels: true);

    [Benchmark]
    public object MetricCountOverTime() => _engine.Execute(
        new QueryParameters("sum by (pod) (count_over_time({format=\"logfmt\"} |= \"level=error\" [1m]))", 1_764_000_000_000_000_000L, 1_764_000_000_000_000_000L + 2_000_000_000_000L, 60_000_000_000L, 0, 100, Direction.Backward, false),
        new QueryStatistics(),
        CancellationToken.None);

    [Benchmark]
    public object MetricLogfmtStatus() => _engine.Execute(
        new QueryParameters("sum by (status) (rate({format=\"logfmt\"} | logfmt | status >= 500 [1m]))", 1_764_000_000_000_000_000L, 1_764_000_000_000_000_000L + 2_000_000_000_000L, 60_000_000_000L, 0, 100, Direction.Backward, false),
        new QueryStatistics(),
        CancellationToken.None);

    [Benchmark]
    public object MetricJsonStatus() => _engine.Execute(
        new QueryParameters("sum by (response_status) (count_over_time({format=\"json\"} | json | response_status >= 500 [1m]))", 1_764_000_000_000_000_000L, 1_764_000_000_000_000_000L + 2_000_000_000_000L, 60_000_000_000L, 0, 100, Direction.Backward, false),
        new QueryStatistics(),
        CancellationToken.None);

    [Benchmark]
    public object MetricUnwrapQuantile() => _engine.Execute(
        new QueryParameters("quantile_over_time(0.99, {format=\"logfmt\"} | logfmt | unwrap duration(duration) [1m]) by (path)", 1_764_000_000_000_000_000L, 1_764_000_000_000_000_000L + 2_000_000_000_000L, 60_000_000_000L, 0, 100, Direction.Backward, false),
        new QueryStatistics(),
        CancellationToken.None);

    // The shape of the 1 GiB workload's unwrap query: grouped by a stream label, so logfmt stops at the unwrapped key.
    [Benchmark]
    public object MetricUnwrapQuantileByStream() => _engine.Execute(
        new QueryParameters("quantile_over_time(0.99, {format=\"logfmt\"} | logfmt | unwrap duration(duration) [1m]) by (pod)", 1_764_000_000_000_000_000L, 1_764_000_000_000_000_000L + 2_000_000_000_000L, 60_000_000_000L, 0, 100, Direction.Backward, false),
        new QueryStatistics(),
        CancellationToken.None);

    /// <summary>Streams in memory, entries in time order, honouring the select window and line filter.</summary>
    private sealed class MemorySource : IStreamSource
    {
        public List<(LabelSet Labels, List<(long Ts, byte[] Line)> Entries)> Streams { get; } = [];

        public IReadOnlyList<IEntryIterator> Select(SelectRequest request, CancellationToken cancellationToken)
        {
            var result = new List<IEntryIterator>();
            foreach (var (labels, entries) in Streams)
            {
                if (request.Matchers.All(m => m.Matches(labels)))
                {
                    result.Add(new Iterator(labels, entries, request));
                }
            }

            return result;
        }

        private sealed class Iterator(LabelSet labels, List<(long Ts, byte[] Line)> entries, SelectRequest request) : IEntryIterator
        {
            private int _index = -1;

            public LabelSet Labels => labels;

            public long Timestamp => entries[_index].Ts;

            public ReadOnlySpan<byte> Line => entries[_index].Line;

            public ReadOnlySpan<LabelPair> Metadata => default;

            public bool MoveNext()
            {
                while (++_index < entries.Count)
                {
                    var (ts, line) = entries[_index];
                    if (ts >= request.StartNs && ts < request.EndNs && (request.LineFilter is null || request.LineFilter.Matches(line)))
                    {
                        return true;
                    }
                }

                return false;
            }

            public void Dispose()
            {
            }
        }
    }
}
