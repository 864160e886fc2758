using Runestone.Agent.Config;
using Runestone.Agent.Metrics;
using Runestone.Agent.Positions;
using Runestone.Agent.Shipping;
using Runestone.Agent.Tailing;
using Runestone.Agent.Targets;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class TailingTests
{
    /// <summary>One agent "process": positions, client and file targets for a glob.</summary>
    private sealed class Agent : IAsyncDisposable
    {
        public PositionsFile Positions { get; }

        public PushClient Client { get; }

        public FileTargetManager Manager { get; }

        public Agent(string glob, string positionsPath, string url, string? pipeline = null, string? exclude = null, long maxLineSize = 0, bool truncate = false, bool decompress = false)
        {
            var metrics = new AgentMetrics();
            Positions = PositionsFile.Open(positionsPath, TimeProvider.System, TimeSpan.FromSeconds(10), ignoreInvalid: false);
            Client = new PushClient(new ClientConfig { Url = url, BatchWait = TimeSpan.FromMilliseconds(20), BackoffMin = TimeSpan.FromMilliseconds(10), BackoffMax = TimeSpan.FromMilliseconds(50), MaxRetries = 100000 }, 0, metrics, TimeProvider.System, _ => { });
            var scrape = new ScrapeConfig { JobName = "test", DecompressionEnabled = decompress };
            var st = new StaticConfig();
            st.Targets.Add("localhost");
            st.Labels["job"] = "varlogs";
            st.Labels["__path__"] = glob;
            if (exclude is not null)
            {
                st.Labels["__path_exclude__"] = exclude;
            }

            scrape.StaticConfigs.Add(st);
            if (pipeline is not null)
            {
                var stream = new YamlDotNet.RepresentationModel.YamlStream();
                stream.Load(new StringReader(pipeline));
                scrape.PipelineStages = stream.Documents[0].RootNode;
                scrape.PipelineStagesPath = "pipeline_stages";
            }

            Manager = new FileTargetManager(scrape, [new StaticDiscoverer(scrape.StaticConfigs)], Client, Positions, metrics,
                new TailerOptions { PollInterval = TimeSpan.FromMilliseconds(15), MaxLineSize = maxLineSize, MaxLineSizeTruncate = truncate }, TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        public async Task StartAsync()
        {
            Client.Start();
            await Manager.StartAsync(default);
        }

        public async ValueTask DisposeAsync()
        {
            await Manager.DisposeAsync();
            await Client.DisposeAsync();
            await Positions.DisposeAsync();
        }
    }

    private static void Append(string path, string text)
    {
        using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        fs.Write(bytes);
    }

    private static string Lines(int from, int to) => string.Concat(Enumerable.Range(from, to - from).Select(i => $"line {i}\n"));

    private static List<string> Got(FakePushServer s) => [.. s.Entries.Select(e => e.Line)];

    private static List<string> Expected(int from, int to) => [.. Enumerable.Range(from, to - from).Select(i => $"line {i}")];

    [Fact]
    public async Task Tails_glob_with_labels_and_waits_for_partial_lines()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("a/b"));
        var log = dir.File("a/b/app.log");
        File.WriteAllText(log, "first\nsecond\npar");
        await using var server = await FakePushServer.StartAsync();
        await using (var agent = new Agent(dir.Path + "/**/*.log", dir.File("positions.yaml"), server.Url))
        {
            await agent.StartAsync();
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 2));
            await Task.Delay(100);
            Assert.Equal(2, server.Entries.Count);
            Append(log, "tial\r\n");
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 3));
        }

        Assert.Equal(["first", "second", "partial"], Got(server));
        Assert.All(server.Entries, e => Assert.Equal($"{{filename=\"{log}\", job=\"varlogs\"}}", e.Labels));
    }

    [Fact]
    public async Task Follows_rename_and_create_rotation()
    {
        using var dir = new TempDir();
        var log = dir.File("app.log");
        File.WriteAllText(log, Lines(0, 10));
        await using var server = await FakePushServer.StartAsync();
        await using (var agent = new Agent(dir.Path + "/*.log", dir.File("positions.yaml"), server.Url))
        {
            await agent.StartAsync();
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 10));
            Append(log, Lines(10, 15));
            File.Move(log, dir.File("app.log.1"));
            Append(dir.File("app.log.1"), Lines(15, 20));
            File.WriteAllText(log, Lines(20, 30));
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 30));
            await Task.Delay(100);
        }

        Assert.Equal(Expected(0, 30), Got(server));
    }

    [Fact]
    public async Task Follows_copytruncate_and_truncation()
    {
        using var dir = new TempDir();
        var log = dir.File("app.log");
        File.WriteAllText(log, Lines(0, 10));
        await using var server = await FakePushServer.StartAsync();
        await using (var agent = new Agent(log, dir.File("positions.yaml"), server.Url))
        {
            await agent.StartAsync();
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 10));
            File.Copy(log, dir.File("app.log.1"));
            using (var fs = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                fs.SetLength(0);
            }

            await Task.Delay(100);
            Append(log, Lines(10, 13));
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 13));
        }

        Assert.Equal(Expected(0, 13), Got(server));
    }

    [Fact]
    public async Task Restart_resumes_from_positions_without_loss_or_duplicates()
    {
        using var dir = new TempDir();
        var log = dir.File("app.log");
        var positions = dir.File("positions.yaml");
        File.WriteAllText(log, Lines(0, 50));
        await using var server = await FakePushServer.StartAsync();
        await using (var agent = new Agent(log, positions, server.Url))
        {
            await agent.StartAsync();
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 50));
            await Task.Delay(50);
        }

        Assert.Contains("\"50\"", File.ReadAllText(positions).Replace(Lines(0, 50).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), "50", StringComparison.Ordinal), StringComparison.Ordinal);
        Append(log, Lines(50, 80));
        await using (var agent = new Agent(log, positions, server.Url))
        {
            await agent.StartAsync();
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 80));
            await Task.Delay(100);
        }

        Assert.Equal(Expected(0, 80), Got(server));
    }

    [Fact]
    public async Task Server_down_pauses_then_everything_arrives_once()
    {
        using var dir = new TempDir();
        var log = dir.File("app.log");
        await using var server = await FakePushServer.StartAsync();
        server.Down = true;
        File.WriteAllText(log, Lines(0, 20));
        await using (var agent = new Agent(log, dir.File("positions.yaml"), server.Url))
        {
            await agent.StartAsync();
            await Task.Delay(300);
            Assert.Empty(server.Entries);
            Assert.Equal(0, agent.Positions.Get(log));
            server.Down = false;
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 20));
        }

        Assert.Equal(Expected(0, 20), Got(server));
    }

    [Fact]
    public async Task Long_lines_are_truncated_or_dropped_and_excludes_apply()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.log"), "short\n" + new string('x', 50) + "\n");
        File.WriteAllText(dir.File("skip.log"), "excluded\n");
        await using var server = await FakePushServer.StartAsync();
        await using (var agent = new Agent(dir.Path + "/*.log", dir.File("p.yaml"), server.Url, exclude: dir.Path + "/skip*", maxLineSize: 10, truncate: true))
        {
            await agent.StartAsync();
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 2));
            await Task.Delay(100);
        }

        Assert.Equal(["short", "xxxxxxxxxx"], Got(server));
    }

    [Fact]
    public async Task Compressed_files_are_read_once()
    {
        using var dir = new TempDir();
        var gz = dir.File("old.log.gz");
        using (var fs = File.Create(gz))
        using (var z = new System.IO.Compression.GZipStream(fs, System.IO.Compression.CompressionLevel.Fastest))
        {
            z.Write(System.Text.Encoding.UTF8.GetBytes(Lines(0, 5)));
        }

        await using var server = await FakePushServer.StartAsync();
        for (var run = 0; run < 2; run++)
        {
            await using var agent = new Agent(dir.Path + "/*.gz", dir.File("p.yaml"), server.Url, decompress: true);
            await agent.StartAsync();
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 5));
            await Task.Delay(150);
        }

        Assert.Equal(Expected(0, 5), Got(server));
    }

    [Fact]
    public async Task Cri_pipeline_on_files()
    {
        using var dir = new TempDir();
        var log = dir.File("0.log");
        File.WriteAllText(log, "2024-01-01T00:00:00.000000001Z stdout P hello \n2024-01-01T00:00:00.2Z stdout F world\n2024-01-01T00:00:01Z stderr F oops\n");
        await using var server = await FakePushServer.StartAsync();
        await using (var agent = new Agent(log, dir.File("p.yaml"), server.Url, pipeline: "- cri: {}"))
        {
            await agent.StartAsync();
            Assert.True(await server.WaitForAsync(s => s.Entries.Count == 2));
        }

        var got = server.Entries.OrderBy(e => e.TimestampNs).ToList();
        Assert.Equal("hello world", got[0].Line);
        Assert.Equal(1704067200000000001L, got[0].TimestampNs);
        Assert.Contains("stream=\"stdout\"", got[0].Labels, StringComparison.Ordinal);
        Assert.Equal("oops", got[1].Line);
        Assert.Contains("stream=\"stderr\"", got[1].Labels, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotations_truncations_and_a_restart_deliver_every_line_exactly_once()
    {
        using var dir = new TempDir();
        var log = dir.File("app.log");
        var positions = dir.File("positions.yaml");
        await using var server = await FakePushServer.StartAsync();
        var glob = dir.Path + "/*.log";
        File.WriteAllText(log, Lines(0, 100));
        var a = new Agent(glob, positions, server.Url);
        await a.StartAsync();
        Assert.True(await server.WaitForAsync(s => s.Entries.Count >= 100));

        // rename + create
        Append(log, Lines(100, 150));
        File.Move(log, dir.File("app.log.1"));
        File.WriteAllText(log, Lines(150, 200));
        Assert.True(await server.WaitForAsync(s => s.Entries.Count >= 200));

        // restart in the middle of a write burst
        Append(log, Lines(200, 250));
        await a.DisposeAsync();
        await using var b = new Agent(glob, positions, server.Url);
        await b.StartAsync();
        Assert.True(await server.WaitForAsync(s => s.Entries.Select(e => e.Line).Distinct().Count() >= 250));
        await Task.Delay(100);

        // copytruncate
        File.Copy(log, dir.File("app.log.2"));
        using (var fs = new FileStream(log, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            fs.SetLength(0);
        }

        await Task.Delay(100);
        Append(log, Lines(250, 300));
        Assert.True(await server.WaitForAsync(s => s.Entries.Count >= 300));

        // plain truncation to a shorter file
        await Task.Delay(100);
        File.WriteAllText(log, Lines(300, 302));
        Assert.True(await server.WaitForAsync(s => s.Entries.Count >= 302));
        await Task.Delay(200);

        Assert.Equal(Expected(0, 302), Got(server).Order(Comparer<string>.Create((x, y) => int.Parse(x[5..]).CompareTo(int.Parse(y[5..])))).ToList());
        Assert.All(server.Entries, e => Assert.Contains("job=\"varlogs\"", e.Labels, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/var/log/pods/*/*/*.log", "/var/log/pods/ns_pod_uid/c/0.log", true)]
    [InlineData("/var/log/pods/*/*/*.log", "/var/log/pods/ns_pod_uid/0.log", false)]
    [InlineData("/var/log/**/*.log", "/var/log/a/b/c/x.log", true)]
    [InlineData("/var/log/**/*.log", "/var/log/x.log", true)]
    [InlineData("/var/log/{syslog,messages}", "/var/log/messages", true)]
    [InlineData("/var/log/*.[0-9]", "/var/log/syslog.1", true)]
    [InlineData("/var/log/*uid-1/c/*.log", "/var/log/ns_pod_uid-1/c/0.log", true)]
    public void Glob_matches_like_doublestar(string pattern, string path, bool expected) =>
        Assert.Equal(expected, Glob.IsMatch(pattern, path));

    [Fact]
    public void Positions_file_is_written_atomically_in_promtail_format_and_reloaded()
    {
        using var dir = new TempDir();
        var path = dir.File("sub/positions.yaml");
        var p = PositionsFile.Open(path, TimeProvider.System, TimeSpan.FromSeconds(10), false);
        p.Put("/var/log/a.log", 123);
        p.Put("/var/log/b \"q\".log", 7);
        p.Save();
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Contains("positions:\n  \"/var/log/a.log\": \"123\"", File.ReadAllText(path), StringComparison.Ordinal);
        var again = PositionsFile.Open(path, TimeProvider.System, TimeSpan.FromSeconds(10), false);
        Assert.Equal(123, again.Get("/var/log/a.log"));
        Assert.Equal(7, again.Get("/var/log/b \"q\".log"));

        File.WriteAllText(path, "positions: [this is: not valid");
        Assert.Throws<InvalidDataException>(() => PositionsFile.Open(path, TimeProvider.System, TimeSpan.FromSeconds(10), false));
        Assert.Equal(0, PositionsFile.Open(path, TimeProvider.System, TimeSpan.FromSeconds(10), true).Get("/var/log/a.log"));
    }
}
