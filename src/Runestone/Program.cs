// The runestone executable only wires subcommands to the libraries that implement them.
using Runestone.Server;

return await EntryPoint.RunAsync(args).ConfigureAwait(false);

/// <summary>Dispatches <c>runestone &lt;subcommand&gt; [flags]</c>.</summary>
internal static class EntryPoint
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine("usage: runestone <server|agent> [flags]\n  server   log store and LogQL engine with Loki's HTTP API (default port 3100)\n  agent    Promtail-compatible node agent (-config.file=promtail.yaml)");
            return args.Length == 0 ? 2 : 0;
        }

        var rest = args[1..];
        switch (args[0])
        {
            case "server":
                return await ServerCommand.RunAsync(rest).ConfigureAwait(false);
            case "agent":
                return await Runestone.Agent.AgentCommand.RunAsync(rest).ConfigureAwait(false);
            // SUBCOMMANDS: other subcommands are added here, one case each.
            default:
                await Console.Error.WriteLineAsync($"runestone: unknown subcommand '{args[0]}'; use 'server' or 'agent'").ConfigureAwait(false);
                return 2;
        }
    }
}
