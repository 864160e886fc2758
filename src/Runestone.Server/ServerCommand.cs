using Runestone.Server.Configuration;

namespace Runestone.Server;

/// <summary><c>runestone server [flags]</c>: loads the configuration, runs until SIGINT/SIGTERM.</summary>
public static class ServerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        ServerCommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse(args);
        }
        catch (CommandLineException ex)
        {
            await Console.Error.WriteLineAsync("runestone server: " + ex.Message).ConfigureAwait(false);
            return 2;
        }

        if (commandLine.ShowHelp)
        {
            await Console.Out.WriteLineAsync(CommandLine.Usage).ConfigureAwait(false);
            return 0;
        }

        ConfigLoadResult loaded;
        try
        {
            loaded = ConfigLoader.Resolve(commandLine, Environment.GetEnvironmentVariable);
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync("runestone server: " + ex.Message).ConfigureAwait(false);
            return 1;
        }

        foreach (var warning in loaded.Warnings)
        {
            await Console.Error.WriteLineAsync("runestone server: warning: " + warning).ConfigureAwait(false);
        }

        if (commandLine.PrintConfigStderr)
        {
            await Console.Error.WriteLineAsync(ConfigPrinter.ToYaml(loaded.Options)).ConfigureAwait(false);
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        var server = new RunestoneServer(loaded.Options);
        try
        {
            await server.StartAsync(stop.Token).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"runestone server: cannot listen on {loaded.Options.Server.HttpListenAddress}:{loaded.Options.Server.HttpListenPort}: {ex.Message}").ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
            return 1;
        }

        await Console.Error.WriteLineAsync($"runestone server: listening on {server.BaseAddress} (data in {Path.GetFullPath(loaded.Options.Common.PathPrefix)})").ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }

        await Console.Error.WriteLineAsync("runestone server: shutting down").ConfigureAwait(false);
        await server.DisposeAsync().ConfigureAwait(false);
        return 0;
    }
}
