// Runestone's benchmark tool: `micro` runs the BenchmarkDotNet suites, `workload` the end-to-end run.
using BenchmarkDotNet.Running;
using Runestone.Bench.Workload;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Runestone.Bench micro [BenchmarkDotNet args]\n       Runestone.Bench workload --url http://127.0.0.1:3100 --bytes 1GB --connections 4 --out bench/out [--server-pid PID] [--data-dir DIR]\n       Runestone.Bench standin [--port 3100]   (a push sink for trying the workload without a server)\n       Runestone.Bench codecs --file bench/out/raw.log   (chunk codec ratio and speed)");
    return args.Length == 0 ? 2 : 0;
}

switch (args[0])
{
    case "micro":
        BenchmarkSwitcher.FromAssembly(typeof(Runestone.Bench.ProtocolBenchmarks).Assembly).Run(args[1..]);
        return 0;
    case "workload":
        return await WorkloadCommand.RunAsync(args[1..]).ConfigureAwait(false);
    case "codecs":
        return Runestone.Bench.CodecStudy.Run(args[1..]);
    case "agentpipe":
        return await Runestone.Bench.AgentPipelineBench.RunAsync(args[1..]).ConfigureAwait(false);
    case "layout":
        return Runestone.Bench.StreamLayoutStudy.Run(args[1..]);
    case "standin":
        return await StandInServer.RunAsync(args[1..]).ConfigureAwait(false);
    default:
        Console.Error.WriteLine($"unknown command '{args[0]}': use micro, workload, codecs or standin");
        return 2;
}
