using System.Text.Json;
using Runestone.Agent.Config;
using Runestone.Agent.Journal;
using Runestone.Agent.Positions;
using Xunit;
using static Runestone.Agent.Tests.JournalFiles;

namespace Runestone.Agent.Tests;

/// <summary>The journal target reading real journal files (made by systemd-journal-remote) into a push endpoint.</summary>
public sealed class JournalTests
{
    private const string Relabel = """
            relabel_configs:
              - source_labels: [__journal__systemd_unit]
                target_label: unit
              - source_labels: [__journal_priority_keyword]
                target_label: level
              - source_labels: [__journal__hostname]
                target_label: host
        """;

    private static AgentRuntime Agent(TempDir dir, string url, string journal, string relabel = Relabel, string job = "journal")
    {
        var yaml = $$"""
            server:
              disable: true
            positions:
              filename: {{dir.File("positions.yaml")}}
              sync_period: 100ms
            clients:
              - url: {{url}}
                batchwait: 50ms
                timeout: 1s
                backoff_config:
                  min_period: 20ms
                  max_period: 100ms
                  max_retries: 100000
            scrape_configs:
              - job_name: {{job}}
                journal:
            {{journal}}
            {{relabel}}
            """;
        var loaded = ConfigLoader.Load(yaml, false);
        Assert.Empty(loaded.Errors);
        return new AgentRuntime(loaded.Config, TimeProvider.System, _ => { });
    }

    private static string JournalYaml(string path, string extra = "") => $"""
              path: {path}
              labels:
                job: systemd-journal
        {extra}
        """;

    private static async Task<List<FakePushServer.Received>> RunAsync(TempDir dir, FakePushServer push, string journal, int expected, string relabel = Relabel)
    {
        var agent = Agent(dir, push.Url, journal, relabel);
        await agent.StartAsync(null, default);
        try
        {
            await push.WaitForAsync(p => p.Entries.Count >= expected);

            // Room for anything that should not come.
            await Task.Delay(300);
        }
        finally
        {
            await agent.DisposeAsync();
        }

        return [.. push.Entries];
    }

    [Fact]
    public async Task Ships_message_with_journal_labels_priority_keyword_and_realtime_timestamp()
    {
        using var dir = new TempDir();
        var t = DateTimeOffset.UtcNow.AddMinutes(-5);
        Append(dir.File("system.journal"),
            new Entry(t, ("MESSAGE", "sshd started"), ("PRIORITY", "6"), ("_SYSTEMD_UNIT", "ssh.service"), ("_HOSTNAME", "node-1")),
            new Entry(t.AddSeconds(1), ("MESSAGE", "disk <full> & failing"), ("PRIORITY", "3"), ("_SYSTEMD_UNIT", "smartd.service"), ("_HOSTNAME", "node-1")),
            new Entry(t.AddSeconds(2), ("CODE_FILE", "no message here"), ("_HOSTNAME", "node-1")),
            new Entry(t.AddSeconds(3), ("MESSAGE", "first\nsecond"), ("PRIORITY", "0"), ("_HOSTNAME", "node-1")));
        await using var push = await FakePushServer.StartAsync();

        var got = await RunAsync(dir, push, JournalYaml(dir.Path), 3);

        Assert.Equal(3, got.Count);
        Assert.Equal("sshd started", got[0].Line);
        Assert.Equal("{host=\"node-1\", job=\"systemd-journal\", level=\"info\", unit=\"ssh.service\"}", got[0].Labels);
        Assert.Equal(Usec(t) * 1000, got[0].TimestampNs);
        Assert.Equal("disk <full> & failing", got[1].Line);
        Assert.Equal("{host=\"node-1\", job=\"systemd-journal\", level=\"error\", unit=\"smartd.service\"}", got[1].Labels);
        Assert.Equal("first\nsecond", got[2].Line);
        Assert.Equal("{host=\"node-1\", job=\"systemd-journal\", level=\"emerg\"}", got[2].Labels);
        Assert.Equal(Usec(t.AddSeconds(3)) * 1000, got[2].TimestampNs);
    }

    [Fact]
    public async Task Json_true_ships_every_field_as_a_json_object()
    {
        using var dir = new TempDir();
        var t = DateTimeOffset.UtcNow.AddMinutes(-1);
        Append(dir.File("system.journal"), new Entry(t, ("MESSAGE", "a <b> & \"c\""), ("PRIORITY", "4"), ("_SYSTEMD_UNIT", "x.service")));
        await using var push = await FakePushServer.StartAsync();

        var got = await RunAsync(dir, push, JournalYaml(dir.Path, "      json: true"), 1);

        var line = Assert.Single(got).Line;
        Assert.Contains("\"MESSAGE\":\"a \\u003cb\\u003e \\u0026 \\\"c\\\"\"", line, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(line);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal("a <b> & \"c\"", doc.RootElement.GetProperty("MESSAGE").GetString());
        Assert.Equal("x.service", doc.RootElement.GetProperty("_SYSTEMD_UNIT").GetString());
        Assert.Equal(BootId, doc.RootElement.GetProperty("_BOOT_ID").GetString());
        Assert.Equal(Usec(t).ToString(System.Globalization.CultureInfo.InvariantCulture), doc.RootElement.GetProperty("__REALTIME_TIMESTAMP").GetString());
        Assert.StartsWith("s=", doc.RootElement.GetProperty("__CURSOR").GetString(), StringComparison.Ordinal);
        Assert.Equal("{job=\"systemd-journal\", level=\"warning\", unit=\"x.service\"}", got[0].Labels);
    }

    [Fact]
    public async Task Matches_select_the_entries_read()
    {
        using var dir = new TempDir();
        var t = DateTimeOffset.UtcNow.AddMinutes(-1);
        Append(dir.File("system.journal"),
            new Entry(t, ("MESSAGE", "from kernel 1"), ("_TRANSPORT", "kernel")),
            new Entry(t.AddSeconds(1), ("MESSAGE", "from stdout"), ("_TRANSPORT", "stdout")),
            new Entry(t.AddSeconds(2), ("MESSAGE", "from syslog"), ("_TRANSPORT", "syslog")),
            new Entry(t.AddSeconds(3), ("MESSAGE", "from kernel 2"), ("_TRANSPORT", "kernel")));
        await using var push = await FakePushServer.StartAsync();

        var kernel = await RunAsync(dir, push, JournalYaml(dir.Path, "      matches: _TRANSPORT=kernel"), 2);
        Assert.Equal(["from kernel 1", "from kernel 2"], kernel.Select(e => e.Line));

        // Two values of one field are ORed, as in journalctl.
        using var dir2 = new TempDir();
        File.Copy(dir.File("system.journal"), dir2.File("system.journal"));
        await using var push2 = await FakePushServer.StartAsync();
        var two = await RunAsync(dir2, push2, JournalYaml(dir2.Path, "      matches: _TRANSPORT=kernel _TRANSPORT=syslog"), 3);
        Assert.Equal(["from kernel 1", "from syslog", "from kernel 2"], two.Select(e => e.Line));
    }

    [Fact]
    public async Task Max_age_bounds_how_far_back_a_first_start_reads()
    {
        using var dir = new TempDir();
        var now = DateTimeOffset.UtcNow;
        Append(dir.File("system.journal"),
            new Entry(now.AddHours(-10), ("MESSAGE", "ten hours ago")),
            new Entry(now.AddHours(-3), ("MESSAGE", "three hours ago")),
            new Entry(now.AddMinutes(-1), ("MESSAGE", "a minute ago")));

        await using (var push = await FakePushServer.StartAsync())
        {
            // Default 7h, like Promtail.
            var got = await RunAsync(dir, push, JournalYaml(dir.Path), 2);
            Assert.Equal(["three hours ago", "a minute ago"], got.Select(e => e.Line));
        }

        using var dir2 = new TempDir();
        File.Copy(dir.File("system.journal"), dir2.File("system.journal"));
        await using (var push = await FakePushServer.StartAsync())
        {
            var got = await RunAsync(dir2, push, JournalYaml(dir2.Path, "      max_age: 2h"), 1);
            Assert.Equal(["a minute ago"], got.Select(e => e.Line));
        }
    }

    [Fact]
    public async Task Restart_resumes_after_the_saved_cursor_without_duplicates()
    {
        using var dir = new TempDir();
        var journalDir = Directory.CreateDirectory(dir.File("journal")).FullName;
        var file = Path.Combine(journalDir, "system.journal");
        var t = DateTimeOffset.UtcNow.AddMinutes(-10);
        Append(file, [.. Enumerable.Range(0, 3).Select(i => new Entry(t.AddSeconds(i), ("MESSAGE", $"line {i}")))]);
        await using var push = await FakePushServer.StartAsync();

        await RunAsync(dir, push, JournalYaml(journalDir), 3);
        var saved = PositionsFile.Open(dir.File("positions.yaml"), TimeProvider.System, TimeSpan.FromSeconds(10), false).GetText("journal-journal");
        Assert.NotNull(saved);
        Assert.Contains(";i=3;", saved, StringComparison.Ordinal);

        // More entries in the same file and in a second file of the directory while the agent is down.
        Append(file, [.. Enumerable.Range(3, 2).Select(i => new Entry(t.AddSeconds(i), ("MESSAGE", $"line {i}")))]);
        Append(Path.Combine(journalDir, "other.journal"), [.. Enumerable.Range(5, 2).Select(i => new Entry(t.AddSeconds(i), ("MESSAGE", $"line {i}")))]);

        var agent = Agent(dir, push.Url, JournalYaml(journalDir));
        await agent.StartAsync(null, default);
        try
        {
            Assert.True(await push.WaitForAsync(p => p.Entries.Count >= 7));

            // And entries written while it runs are followed.
            Append(file, new Entry(t.AddSeconds(7), ("MESSAGE", "line 7")));
            Assert.True(await push.WaitForAsync(p => p.Entries.Count >= 8));
            await Task.Delay(300);
            var target = Assert.Single(agent.Targets());
            Assert.Equal("journal", target.Type);
            Assert.True(target.Ready, target.Details);
        }
        finally
        {
            await agent.DisposeAsync();
        }

        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"line {i}"), push.Entries.Select(e => e.Line));
    }

    [Fact]
    public async Task Entries_the_server_did_not_accept_are_read_again_after_a_restart()
    {
        using var dir = new TempDir();
        var t = DateTimeOffset.UtcNow.AddMinutes(-10);
        Append(dir.File("system.journal"), [.. Enumerable.Range(0, 3).Select(i => new Entry(t.AddSeconds(i), ("MESSAGE", $"line {i}")))]);
        await using var push = await FakePushServer.StartAsync();
        push.Down = true;

        var agent = Agent(dir, push.Url, JournalYaml(dir.Path));
        await agent.StartAsync(null, default);
        Assert.True(await push.WaitForAsync(p => p.Requests > 2));
        await agent.DisposeAsync();
        var positions = PositionsFile.Open(dir.File("positions.yaml"), TimeProvider.System, TimeSpan.FromSeconds(10), false);
        Assert.Null(positions.GetText("journal-journal"));

        push.Down = false;
        var got = await RunAsync(dir, push, JournalYaml(dir.Path), 3);
        Assert.Equal(["line 0", "line 1", "line 2"], got.Select(e => e.Line));
    }

    [Fact]
    public async Task Entries_relabeled_away_still_move_the_cursor()
    {
        using var dir = new TempDir();
        var t = DateTimeOffset.UtcNow.AddMinutes(-10);
        Append(dir.File("system.journal"),
            new Entry(t, ("MESSAGE", "kept"), ("_SYSTEMD_UNIT", "a.service")),
            new Entry(t.AddSeconds(1), ("MESSAGE", "dropped"), ("_SYSTEMD_UNIT", "noisy.service")));
        const string drop = """
                relabel_configs:
                  - source_labels: [__journal__systemd_unit]
                    regex: noisy.service
                    action: drop
            """;
        await using var push = await FakePushServer.StartAsync();

        var got = await RunAsync(dir, push, JournalYaml(dir.Path), 1, drop);

        Assert.Equal(["kept"], got.Select(e => e.Line));
        var saved = PositionsFile.Open(dir.File("positions.yaml"), TimeProvider.System, TimeSpan.FromSeconds(10), false).GetText("journal-journal");
        Assert.Contains(";i=2;", saved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_journal_path_that_does_not_exist_shows_as_not_ready_with_the_reason()
    {
        using var dir = new TempDir();
        var log = new List<string>();
        var loaded = ConfigLoader.Load($$"""
            positions:
              filename: {{dir.File("positions.yaml")}}
            clients: [{url: http://127.0.0.1:9/loki/api/v1/push}]
            scrape_configs:
              - job_name: j
                journal:
                  path: {{dir.File("missing")}}
                  labels: {job: j}
            """, false);
        Assert.Empty(loaded.Errors);
        var agent = new AgentRuntime(loaded.Config, TimeProvider.System, line => { lock (log) { log.Add(line); } });
        await agent.StartAsync(null, default);
        try
        {
            var deadline = Environment.TickCount64 + 10_000;
            while (agent.Targets()[0].Details.StartsWith("starting", StringComparison.Ordinal) && Environment.TickCount64 < deadline)
            {
                await Task.Delay(20);
            }

            var target = Assert.Single(agent.Targets());
            Assert.False(target.Ready);
            Assert.Contains("does not exist", target.Details, StringComparison.Ordinal);
            lock (log)
            {
                Assert.Contains(log, l => l.Contains("journal target j:", StringComparison.Ordinal) && l.Contains("does not exist", StringComparison.Ordinal));
            }
        }
        finally
        {
            await agent.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("0", "emerg")]
    [InlineData("1", "alert")]
    [InlineData("2", "crit")]
    [InlineData("3", "error")]
    [InlineData("4", "warning")]
    [InlineData("5", "notice")]
    [InlineData("6", "info")]
    [InlineData("7", "debug")]
    [InlineData("9", "9")]
    public void Priority_keyword_follows_promtail(string priority, string keyword)
    {
        var entry = new JournalEntry(new Dictionary<string, string> { ["PRIORITY"] = priority, ["_SYSTEMD_UNIT"] = "u" }, 0, "c");
        var labels = JournalTarget.Labels(entry, new Dictionary<string, string> { ["job"] = "j" });
        Assert.Equal(keyword, labels["__journal_priority_keyword"]);
        Assert.Equal(priority, labels["__journal_priority"]);
        Assert.Equal("u", labels["__journal__systemd_unit"]);
        Assert.Equal("j", labels["job"]);
    }

    [Fact]
    public void Config_keys_load_and_bad_matches_are_errors()
    {
        var loaded = ConfigLoader.Load("""
            scrape_configs:
              - job_name: j
                journal:
                  json: true
                  max_age: 12h
                  path: /var/log/journal
                  matches: _TRANSPORT=kernel + _SYSTEMD_UNIT=ssh.service
                  labels:
                    job: systemd-journal
            """, false);
        Assert.Empty(loaded.Errors);
        Assert.Empty(loaded.Warnings);
        var j = loaded.Config.ScrapeConfigs[0].Journal!;
        Assert.True(j.Json);
        Assert.Equal(TimeSpan.FromHours(12), j.MaxAge);
        Assert.Equal("/var/log/journal", j.Path);
        Assert.Equal("_TRANSPORT=kernel + _SYSTEMD_UNIT=ssh.service", j.Matches);
        Assert.Equal("systemd-journal", j.Labels["job"]);
        var printed = ConfigPrinter.Print(loaded.Config);
        Assert.Contains("journal:", printed, StringComparison.Ordinal);
        Assert.Contains("_TRANSPORT=kernel + _SYSTEMD_UNIT=ssh.service", printed, StringComparison.Ordinal);

        var defaults = ConfigLoader.Load("scrape_configs: [{job_name: j, journal: {}}]", false).Config.ScrapeConfigs[0].Journal!;
        Assert.Equal(TimeSpan.FromHours(7), defaults.MaxAge);
        Assert.False(defaults.Json);

        var bad = ConfigLoader.Load("scrape_configs: [{job_name: j, journal: {matches: 'kernel'}}]", false);
        Assert.Contains(bad.Errors, e => e.Contains("'kernel' is not a FIELD=value match", StringComparison.Ordinal));
    }
}
