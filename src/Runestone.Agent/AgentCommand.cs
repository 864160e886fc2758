using Runestone.Agent.Config;
using Runestone.Agent.Http;
using Runestone.Agent.Targets;

namespace Runestone.Agent;

/// <summary>
/// <c>runestone agent -config.file=promtail.yaml [-config.expand-env=true] [-dry-run] [-print-config-stderr]
/// [-check-syntax] [-server.http-listen-port=N] [-client.url=URL] [-positions.file=PATH]</c>.
/// </summary>
public static class AgentCommand
{
    public const string Usage = """
        usage: runestone agent -config.file=<promtail.yaml> [flags]
          -config.file=PATH             Promtail configuration file (required)
          -config.expand-env=true       replace ${VAR} and ${VAR:-default} with environment values
          -dry-run                      print entries to stdout instead of sending them; positions are not saved
          -print-config-stderr          print the effective configuration to stderr at start
          -check-syntax                 only load and validate the configuration
          -server.http-listen-port=N    override server.http_listen_port
          -client.url=URL               add a client (in addition to the file's clients)
          -client.tenant-id=ID          tenant of the -client.url client
          -positions.file=PATH          override positions.filename
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string? configFile = null, port = null, clientUrl = null, tenant = null, positionsFile = null;
        bool expandEnv = false, dryRun = false, printConfig = false, checkSyntax = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i].TrimStart('-');
            string? value = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Next()
            {
                if (value is not null)
                {
                    return value;
                }

                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"flag -{arg} needs a value");
                }

                return args[++i];
            }

            bool Flag() => value is null || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1";

            try
            {
                switch (arg)
                {
                    case "config.file": configFile = Next(); break;
                    case "config.expand-env": expandEnv = Flag(); break;
                    case "dry-run": dryRun = Flag(); break;
                    case "print-config-stderr": printConfig = Flag(); break;
                    case "check-syntax": checkSyntax = Flag(); break;
                    case "server.http-listen-port": port = Next(); break;
                    case "client.url": clientUrl = Next(); break;
                    case "client.tenant-id": tenant = Next(); break;
                    case "positions.file": positionsFile = Next(); break;
                    case "h" or "help":
                        Console.Out.WriteLine(Usage);
                        return 0;
                    default:
                        await Console.Error.WriteLineAsync($"runestone agent: unknown flag -{arg}\n{Usage}").ConfigureAwait(false);
                        return 2;
                }
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"runestone agent: {ex.Message}").ConfigureAwait(false);
                return 2;
            }
        }

        if (configFile is null)
        {
            await Console.Error.WriteLineAsync("runestone agent: -config.file is required (a Promtail configuration file)\n" + Usage).ConfigureAwait(false);
            return 2;
        }

        var result = ConfigLoader.LoadFile(configFile, expandEnv);
        foreach (var w in result.Warnings)
        {
            await Console.Error.WriteLineAsync($"agent: config warning: {w}").ConfigureAwait(false);
        }

        if (result.Errors.Count > 0)
        {
            foreach (var e in result.Errors)
            {
                await Console.Error.WriteLineAsync($"agent: config error in {configFile}: {e}").ConfigureAwait(false);
            }

            return 1;
        }

        var config = result.Config;
        if (port is not null)
        {
            config.Server.HttpListenPort = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (positionsFile is not null)
        {
            config.Positions.Filename = positionsFile;
        }

        if (clientUrl is not null)
        {
            config.Clients.Add(new ClientConfig { Url = clientUrl, TenantId = tenant ?? string.Empty });
        }

        if (printConfig)
        {
            await Console.Error.WriteLineAsync(ConfigPrinter.Print(config)).ConfigureAwait(false);
        }

        if (checkSyntax)
        {
            Console.Out.WriteLine($"Valid config file: {configFile}");
            return 0;
        }

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.Cancel();
        });

        var runtime = new AgentRuntime(config, TimeProvider.System, m => Console.Error.WriteLine(m))
        {
            // Loaded only when a job uses Kubernetes discovery: the client library is large.
            KubernetesFactory = config.ScrapeConfigs.Any(s => s.KubernetesSdConfigs.Count > 0) ? FindKubernetesFactory() : null,
        };
        AgentHttpServer? http = null;
        try
        {
            await runtime.StartAsync(dryRun ? Console.Out : null, stop.Token).ConfigureAwait(false);
            if (!config.Server.Disable)
            {
                http = new AgentHttpServer(runtime);
                await http.StartAsync(stop.Token).ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"agent: ready; http on {http.Address} (/ready /metrics /targets /service-discovery)").ConfigureAwait(false);
            }

            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException or System.Net.Sockets.SocketException)
        {
            await Console.Error.WriteLineAsync($"agent: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            if (http is not null)
            {
                await http.DisposeAsync().ConfigureAwait(false);
            }

            await runtime.DisposeAsync().ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync(dryRun ? "agent: stopped (dry run: positions not saved)" : "agent: stopped; positions saved").ConfigureAwait(false);
        return 0;
    }

    /// <summary>Kubernetes discovery lives in its own assembly; it is used when present next to the executable.</summary>
    private static IKubernetesDiscovererFactory? FindKubernetesFactory()
    {
        try
        {
            var type = Type.GetType("Runestone.Agent.Kubernetes.KubernetesDiscovererFactory, Runestone.Agent.Kubernetes", throwOnError: false);
            return type is null ? null : Activator.CreateInstance(type) as IKubernetesDiscovererFactory;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
