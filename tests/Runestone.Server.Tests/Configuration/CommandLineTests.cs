using Runestone.Server.Configuration;
using Xunit;

namespace Runestone.Server.Tests.Configuration;

public sealed class CommandLineTests
{
    [Fact]
    public void No_arguments_means_no_overrides()
    {
        var cmd = CommandLine.Parse([]);

        Assert.Equal(new ServerCommandLine(), cmd);
        Assert.Equal(RunestoneOptions.Default, cmd.ApplyTo(RunestoneOptions.Default));
    }

    [Theory]
    [InlineData("-config.file=/etc/loki.yaml")]
    [InlineData("--config.file=/etc/loki.yaml")]
    [InlineData("--config.file /etc/loki.yaml")]
    [InlineData("-config.file /etc/loki.yaml")]
    public void Both_flag_forms_are_accepted(string argLine)
    {
        Assert.Equal("/etc/loki.yaml", CommandLine.Parse(argLine.Split(' ')).ConfigFile);
    }

    [Fact]
    public void Every_flag_is_parsed()
    {
        var cmd = CommandLine.Parse(
        [
            "-config.file=c.yaml", "-config.expand-env=true", "-print-config-stderr",
            "-server.http-listen-port=8080", "--server.http-listen-address", "0.0.0.0",
            "-common.path-prefix=/data", "-auth.enabled=true", "-log.level=warn",
        ]);

        Assert.Equal(
            new ServerCommandLine
            {
                ConfigFile = "c.yaml",
                ExpandEnv = true,
                PrintConfigStderr = true,
                HttpListenPort = 8080,
                HttpListenAddress = "0.0.0.0",
                PathPrefix = "/data",
                AuthEnabled = true,
                LogLevel = "warn",
            },
            cmd);
    }

    [Theory]
    [InlineData("-auth.enabled", true)]
    [InlineData("-auth.enabled=false", false)]
    [InlineData("-auth.enabled=true", true)]
    [InlineData("--auth.enabled false", false)]
    public void Boolean_flags(string argLine, bool expected)
    {
        Assert.Equal(expected, CommandLine.Parse(argLine.Split(' ')).AuthEnabled);
    }

    [Fact]
    public void Flags_override_the_file()
    {
        var fromFile = RunestoneOptions.Default with
        {
            AuthEnabled = true,
            Server = new ServerOptions { HttpListenAddress = "10.0.0.1", HttpListenPort = 4000, LogLevel = "debug" },
            Common = new CommonOptions { PathPrefix = "/file" },
        };

        var options = CommandLine.Parse(["-auth.enabled=false", "-server.http-listen-port=5000", "-common.path-prefix=/flag"]).ApplyTo(fromFile);

        Assert.False(options.AuthEnabled);
        Assert.Equal(5000, options.Server.HttpListenPort);
        Assert.Equal("10.0.0.1", options.Server.HttpListenAddress);
        Assert.Equal("debug", options.Server.LogLevel);
        Assert.Equal("/flag", options.Common.PathPrefix);
        Assert.Equal("/flag/wal", options.WalDirectory.Replace('\\', '/'));
    }

    [Theory]
    [InlineData("-ingester.max-chunk-age=1h", "flag provided but not defined: -ingester.max-chunk-age")]
    [InlineData("--target=all", "flag provided but not defined: -target")]
    [InlineData("-server.http-listen-port=http", "invalid value 'http' for flag -server.http-listen-port: expected a port number")]
    [InlineData("-auth.enabled=sure", "invalid boolean value 'sure' for flag -auth.enabled: expected true or false")]
    [InlineData("-config.file", "flag needs an argument: -config.file")]
    [InlineData("loki.yaml", "unexpected argument 'loki.yaml'")]
    public void Bad_command_lines_name_the_problem(string argLine, string messageStart)
    {
        var ex = Assert.Throws<CommandLineException>(() => CommandLine.Parse(argLine.Split(' ')));

        Assert.StartsWith(messageStart, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_flag_is_recognised_and_usage_lists_every_flag()
    {
        Assert.True(CommandLine.Parse(["-help"]).ShowHelp);
        Assert.True(CommandLine.Parse(["-h"]).ShowHelp);
        foreach (var flag in new[] { "-config.file", "-config.expand-env", "-print-config-stderr", "-server.http-listen-address", "-server.http-listen-port", "-common.path-prefix", "-auth.enabled", "-log.level" })
        {
            Assert.Contains(flag, CommandLine.Usage, StringComparison.Ordinal);
        }
    }
}
