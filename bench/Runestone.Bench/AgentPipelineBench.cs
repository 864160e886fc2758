using System.Diagnostics;
using System.Globalization;
using Runestone.Agent.Metrics;
using Runestone.Agent.Pipeline;
using Runestone.Agent.Positions;
using Runestone.Agent.Shipping;
using Runestone.Agent.Tailing;

namespace Runestone.Bench;

/// <summary>
/// `agentpipe --file cri.log [--lines N]`: the agent's reader and the issue's <c>cri</c> +
/// <c>regex</c> + <c>labels</c> pipeline in-process, up to finished ship entries (no network):
/// lines/s, CPU seconds and bytes allocated per line. The part of the end-to-end agent benchmark
/// that is the agent's own work before batching.
/// </summary>
internal static class AgentPipelineBench
{
    private const string Stages = """
        - cri: {}
        - regex:
            expression: '^level=(?P<level>\w+)'
        - labels:
            level:
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var file = args.Length >= 2 && args[0] == "--file" ? args[1] : "bench/out/cri.log";
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"agentpipe: '{file}' not found; pass --file PATH to a CRI log");
            return 2;
        }

        var expected = CountEntries(file);
        for (var round = 0; round < 3; round++)
        {
            var work = Directory.CreateTempSubdirectory("runestone-agentpipe");
            try
            {
                var positions = PositionsFile.Open(Path.Combine(work.FullName, "positions.yaml"), TimeProvider.System, TimeSpan.FromSeconds(10), ignoreInvalid: false);
                var sink = new CountingSink(expected);
                var stages = PipelineBuilder.BuildFromYaml(Stages, new StageContext { JobName = "bench" });
                var tailer = new FileTailer(file, new Dictionary<string, string>(StringComparer.Ordinal) { ["job"] = "bench" }, stages, sink, positions, new AgentMetrics(), new TailerOptions(), TimeProvider.System);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var watch = Stopwatch.StartNew();
                using var stop = new CancellationTokenSource();
                tailer.Start(stop.Token);
                await sink.Done.WaitAsync(TimeSpan.FromMinutes(10)).ConfigureAwait(false);
                var elapsed = watch.Elapsed.TotalSeconds;
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                var perLine = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)expected;
                await stop.CancelAsync().ConfigureAwait(false);
                await tailer.StopAsync(drain: false).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}: {expected:N0} entries in {elapsed:F2} s = {expected / elapsed:N0} lines/s; CPU {cpuSeconds:F2} s ({expected / cpuSeconds:N0} lines per CPU-second); {perLine:F0} B allocated per line"));
            }
            finally
            {
                work.Delete(recursive: true);
            }
        }

        return 0;
    }

    // CRI entries: every line except the partial (P) ones, which join the next.
    private static long CountEntries(string file)
    {
        long entries = 0;
        foreach (var line in File.ReadLines(file))
        {
            var first = line.IndexOf(' ', StringComparison.Ordinal);
            var second = first < 0 ? -1 : line.IndexOf(' ', first + 1);
            if (second < 0 || second + 2 > line.Length || line[second + 1] != 'P')
            {
                entries++;
            }
        }

        return entries;
    }

    private sealed class CountingSink(long expected) : IEntrySink
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _count;

        public Task Done => _done.Task;

        public ValueTask SendAsync(ShipEntry entry, CancellationToken cancellationToken)
        {
            if (++_count >= expected)
            {
                _done.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }
}
