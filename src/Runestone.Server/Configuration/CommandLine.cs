using System.Globalization;

namespace Runestone.Server.Configuration;

/// <summary>
/// Parses the flags of <c>runestone server</c> the way Go's flag package (and so Loki) does:
/// one or two leading dashes, the value after <c>=</c> or as the next argument, and a boolean flag
/// alone meaning true. An unknown flag or a bad value throws <see cref="CommandLineException"/>.
/// </summary>
public static class CommandLine
{
    /// <summary>The help text of the server flags.</summary>
    public static string Usage { get; } = string.Join(
        Environment.NewLine,
        "Usage: runestone server [flags]",
        "  -config.file=PATH                 Loki-style YAML configuration file (optional; defaults are built in)",
        "  -config.expand-env=true|false     expand ${VAR} and ${VAR:-default} in the configuration file",
        "  -print-config-stderr              print the effective configuration to stderr at start",
        "  -server.http-listen-address=ADDR  HTTP listen address (default 127.0.0.1)",
        "  -server.http-listen-port=PORT     HTTP listen port (default 3100)",
        "  -common.path-prefix=DIR           data directory (default ./data)",
        "  -auth.enabled=true|false          multi-tenancy via X-Scope-OrgID (default false)",
        "  -log.level=LEVEL                  debug, info, warn or error (default info)");

    public static ServerCommandLine Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new ServerCommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '-')
            {
                throw new CommandLineException($"unexpected argument '{arg}': flags start with '-', e.g. -config.file=loki.yaml");
            }

            var body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
            string name;
            string? value = null;
            var eq = body.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                name = body[..eq];
                value = body[(eq + 1)..];
            }
            else
            {
                name = body;
            }

            switch (name)
            {
                case "config.file":
                    result = result with { ConfigFile = RequireValue(name, ref value, args, ref i) };
                    break;
                case "config.expand-env":
                    result = result with { ExpandEnv = BoolValue(name, value, args, ref i) };
                    break;
                case "print-config-stderr":
                    result = result with { PrintConfigStderr = BoolValue(name, value, args, ref i) };
                    break;
                case "h" or "help":
                    result = result with { ShowHelp = true };
                    break;
                case "server.http-listen-address":
                    result = result with { HttpListenAddress = RequireValue(name, ref value, args, ref i) };
                    break;
                case "server.http-listen-port":
                    var text = RequireValue(name, ref value, args, ref i);
                    result = result with
                    {
                        HttpListenPort = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                            ? port
                            : throw new CommandLineException($"invalid value '{text}' for flag -{name}: expected a port number"),
                    };
                    break;
                case "common.path-prefix":
                    result = result with { PathPrefix = RequireValue(name, ref value, args, ref i) };
                    break;
                case "auth.enabled":
                    result = result with { AuthEnabled = BoolValue(name, value, args, ref i) };
                    break;
                case "log.level":
                    result = result with { LogLevel = RequireValue(name, ref value, args, ref i) };
                    break;
                default:
                    throw new CommandLineException($"flag provided but not defined: -{name} (see 'runestone server -help' for the flags Runestone implements)");
            }
        }

        return result;
    }

    private static string RequireValue(string name, ref string? value, string[] args, ref int i)
    {
        if (value is not null)
        {
            return value;
        }

        if (i + 1 >= args.Length)
        {
            throw new CommandLineException($"flag needs an argument: -{name}");
        }

        value = args[++i];
        return value;
    }

    private static bool BoolValue(string name, string? value, string[] args, ref int i)
    {
        if (value is null)
        {
            // Go's flag package never takes a boolean's value from the next argument; we accept a
            // literal true/false there too so that "--auth.enabled false" does what it says.
            if (i + 1 < args.Length && TryParseBool(args[i + 1], out var next))
            {
                i++;
                return next;
            }

            return true;
        }

        return TryParseBool(value, out var parsed)
            ? parsed
            : throw new CommandLineException($"invalid boolean value '{value}' for flag -{name}: expected true or false");
    }

    private static bool TryParseBool(string text, out bool value)
    {
        switch (text.ToLowerInvariant())
        {
            case "true" or "1" or "t":
                value = true;
                return true;
            case "false" or "0" or "f":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }
}
