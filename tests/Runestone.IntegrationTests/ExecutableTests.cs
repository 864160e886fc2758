using System.Net;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>The <c>runestone server</c> executable: graceful stop, configuration errors and warnings.</summary>
public sealed class ExecutableTests
{
    [Fact]
    public async Task Sigterm_stops_cleanly_flushes_and_a_restart_has_everything()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "data");
        var config = Path.Combine(dir.Path, "runestone.yaml");
        await File.WriteAllTextAsync(config, "auth_enabled: true\n");
        var ts = Loki.NowNs() - 60_000_000_000L;
        await using (var child = await ChildServer.StartAsync(data, config))
        {
            await child.Loki.PushOkAsync("t", Loki.Stream("{app=\"term\"}", Enumerable.Range(0, 50).Select(i => (ts + i, "line " + i)).ToArray()));
            Assert.Equal(0, await child.TerminateAsync());
            Assert.Contains("shutting down", child.Stderr, StringComparison.Ordinal);
        }

        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(data, "chunks"), "*", SearchOption.AllDirectories));
        await using var again = await ChildServer.StartAsync(data, config);
        var lines = await again.Loki.QueryRangeAsync("t", "{app=\"term\"}", ts, ts + 1000, limit: 100);
        Assert.Equal(50, lines.Select(l => l.Line).Distinct().Count());
        Assert.Equal(50, lines.Count);
    }

    [Fact]
    public async Task A_malformed_config_file_names_the_path_and_line_and_exits_1()
    {
        using var dir = new TempDirectory();
        var config = Path.Combine(dir.Path, "bad.yaml");
        await File.WriteAllTextAsync(config, "server:\n  http_listen_port: 3100\nlimits_config:\n  max_line_size: lots\n");
        var (exit, stderr) = await ChildServer.RunToEndAsync("server", "-config.file=" + config, "-common.path-prefix=" + Path.Combine(dir.Path, "data"), "-server.http-listen-port=0");
        Assert.Equal(1, exit);
        Assert.Contains(config + ":4:", stderr, StringComparison.Ordinal);
        Assert.Contains("limits_config.max_line_size", stderr, StringComparison.Ordinal);
        Assert.Contains("'lots'", stderr, StringComparison.Ordinal);

        await File.WriteAllTextAsync(config, "server:\n  http_listen_port: [1\n");
        (exit, stderr) = await ChildServer.RunToEndAsync("server", "-config.file=" + config, "-common.path-prefix=" + Path.Combine(dir.Path, "data"), "-server.http-listen-port=0");
        Assert.Equal(1, exit);
        Assert.Contains(config + ":", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_is_a_warning_and_the_server_starts()
    {
        using var dir = new TempDirectory();
        var config = Path.Combine(dir.Path, "unknown.yaml");
        await File.WriteAllTextAsync(config, "auth_enabled: true\nruler:\n  storage:\n    type: local\n");
        await using var child = await ChildServer.StartAsync(Path.Combine(dir.Path, "data"), config);
        using var ready = await child.Http.GetAsync("ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("warning", child.Stderr, StringComparison.Ordinal);
        Assert.Contains("ruler", child.Stderr, StringComparison.Ordinal);
    }
}
