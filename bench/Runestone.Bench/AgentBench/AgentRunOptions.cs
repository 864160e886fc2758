using System.Globalization;
using Runestone.Bench.Workload;

namespace Runestone.Bench.AgentBench;

/// <summary>
/// Command-line options of <c>agentrun</c>; everything after <c>--</c> is the agent's command line,
/// which <c>agentrun</c> starts itself so that "time to first line" starts at the agent's launch.
/// </summary>
internal sealed record AgentRunOptions
{
    public string File { get; init; } = string.Empty;
    public long Lines { get; init; }
    public long Expected { get; init; }
    public Uri AgentMetrics { get; init; } = new("http://127.0.0.1:3101/metrics");
    public Uri Server { get; init; } = new("http://127.0.0.1:3100");
    public int? ServerPid { get; init; }
    public string OutDir { get; init; } = "bench/out";
    public string Job { get; init; } = "bench";
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMinutes(2);
    public IReadOnlyList<string> AgentCommand { get; init; } = [];

    public static bool TryParse(string[] args, out AgentRunOptions options, out string? error)
    {
        options = new AgentRunOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                options = options with { AgentCommand = args[(i + 1)..] };
                break;
            }

            string Value()
            {
                if (i + 1 >= args.Length)
                {
                    throw new FormatException($"{arg} needs a value");
                }

                return args[++i];
            }

            try
            {
                options = arg switch
                {
                    "--file" => options with { File = Value() },
                    "--lines" => options with { Lines = long.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--expected" => options with { Expected = long.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--agent-metrics" => options with { AgentMetrics = new Uri(Value()) },
                    "--server" => options with { Server = new Uri(Value()) },
                    "--server-pid" => options with { ServerPid = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--out" => options with { OutDir = Value() },
                    "--job" => options with { Job = Value() },
                    "--timeout-minutes" => options with { Timeout = TimeSpan.FromMinutes(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                    _ => throw new FormatException($"unknown option '{arg}'"),
                };
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or UriFormatException)
            {
                error = ex.Message;
                return false;
            }
        }

        if (options.AgentCommand.Count == 0 || options.Expected <= 0 || options.File.Length == 0)
        {
            error = "needs --file, --expected (entries the agent must ship) and the agent's command after --";
            return false;
        }

        if (!WorkloadOptions.IsLoopback(options.AgentMetrics) || !WorkloadOptions.IsLoopback(options.Server))
        {
            error = "--agent-metrics and --server must be loopback addresses: the benchmark only targets this machine";
            return false;
        }

        return true;
    }
}
