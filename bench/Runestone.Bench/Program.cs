// Runestone's benchmark tool: `micro` runs the BenchmarkDotNet suites, `workload` the end-to-end run,
// `crifile` + `agentrun` the agent benchmark (bench/run-agent.sh wires them).
using BenchmarkDotNet.Running;
using Runestone.Bench.AgentBench;
using Runestone.Bench.Workload;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Runestone.Bench micro [BenchmarkDotNet args]\n       Runestone.Bench workload --url http://127.0.0.1:3100 --bytes 1GB --connections 4 --out bench/out [--server-pid PID] [--data-dir DIR]\n       Runestone.Bench standin [--port 3100]   (a push sink for trying the workload without a server)\n       Runestone.Bench codecs --file bench/out/raw.log   (chunk codec ratio and speed)\n       Runestone.Bench crifile --bytes 1GB --out PATH   (the agent benchmark's CRI log file)\n       Runestone.Bench agentrun --file PATH --expected N --agent-metrics URL --server URL --out DIR [--server-pid PID] -- AGENT COMMAND...");
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
    case "templates":
        return Runestone.Bench.TemplateCodecStudy.Run(args[1..]);
    case "crifile":
        return CriFileCommand.Run(args[1..]);
    case "agentrun":
        return await AgentRunCommand.RunAsync(args[1..]).ConfigureAwait(false);
    case "standin":
        return await StandInServer.RunAsync(args[1..]).ConfigureAwait(false);
    default:
        Console.Error.WriteLine($"unknown command '{args[0]}': use micro, workload, codecs, layout, templates, standin, crifile or agentrun");
        return 2;
}
