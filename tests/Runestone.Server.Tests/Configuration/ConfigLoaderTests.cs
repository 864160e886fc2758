using Runestone.Server.Configuration;
using Xunit;

namespace Runestone.Server.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private static readonly Func<string, string?> s_noEnv = _ => null;

    private static ConfigLoadResult Load(string yaml, bool expandEnv = false, Func<string, string?>? env = null) =>
        ConfigLoader.Load(yaml, "config.yaml", expandEnv, env ?? s_noEnv);

    [Fact]
    public void Empty_file_gives_the_embedded_defaults()
    {
        var result = Load(string.Empty);

        Assert.Equal(RunestoneOptions.Default, result.Options);
        Assert.Empty(result.Warnings);
        var o = result.Options;
        Assert.False(o.AuthEnabled);
        Assert.Equal("127.0.0.1", o.Server.HttpListenAddress);
        Assert.Equal(3100, o.Server.HttpListenPort);
        Assert.Equal("info", o.Server.LogLevel);
        Assert.Equal("./data", o.Common.PathPrefix);
        Assert.Equal(Path.Combine("./data", "chunks"), o.ChunksDirectory);
        Assert.Equal(Path.Combine("./data", "wal"), o.WalDirectory);
        Assert.Equal(1_572_864, o.Ingester.ChunkTargetSize);
        Assert.Equal(TimeSpan.FromMinutes(30), o.Ingester.ChunkIdlePeriod);
        Assert.Equal(TimeSpan.FromHours(2), o.Ingester.MaxChunkAge);
        Assert.Equal(262_144, o.Ingester.ChunkBlockSize);
        Assert.Equal("zstd-templates", o.Ingester.ChunkEncoding);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Ingester.FlushCheckPeriod);
        Assert.True(o.Ingester.Wal.Enabled);
        Assert.True(o.Ingester.Wal.FlushOnShutdown);
        Assert.Equal(FsyncPolicy.Always, o.Ingester.Wal.Fsync);
        Assert.Equal(TimeSpan.FromSeconds(1), o.Ingester.Wal.FsyncInterval);
    }

    [Fact]
    public void Limits_defaults_are_Lokis()
    {
        var l = Load("limits_config:\n").Options.Limits;

        Assert.Equal(4, l.IngestionRateMB);
        Assert.Equal(6, l.IngestionBurstSizeMB);
        Assert.Equal(4 * 1048576.0, l.IngestionRateBytes);
        Assert.Equal(1024, l.MaxLabelNameLength);
        Assert.Equal(2048, l.MaxLabelValueLength);
        Assert.Equal(15, l.MaxLabelNamesPerSeries);
        Assert.True(l.RejectOldSamples);
        Assert.Equal(TimeSpan.FromDays(7), l.RejectOldSamplesMaxAge);
        Assert.Equal(TimeSpan.FromMinutes(10), l.CreationGracePeriod);
        Assert.Equal(262_144, l.MaxLineSize);
        Assert.False(l.MaxLineSizeTruncate);
        Assert.Equal(3 * 1048576, l.PerStreamRateLimit);
        Assert.Equal(15 * 1048576, l.PerStreamRateLimitBurst);
        Assert.Equal(5000, l.MaxGlobalStreamsPerUser);
        Assert.Equal(5000, l.MaxEntriesLimitPerQuery);
        Assert.Equal(500, l.MaxQuerySeries);
        Assert.Equal(TimeSpan.FromHours(721), l.MaxQueryLength);
        Assert.Equal(TimeSpan.FromMinutes(1), l.QueryTimeout);
        Assert.Equal(TimeSpan.Zero, l.RetentionPeriod);
    }

    [Fact]
    public void Reads_every_implemented_key()
    {
        const string yaml = """
            auth_enabled: true
            server:
              http_listen_address: 0.0.0.0
              http_listen_port: 9100
              log_level: debug
            common:
              path_prefix: /var/lib/runestone
            storage_config:
              filesystem:
                directory: /mnt/chunks
            ingester:
              chunk_target_size: 2097152
              chunk_idle_period: 1h
              max_chunk_age: 90m
              chunk_block_size: 131072
              chunk_encoding: snappy
              flush_check_period: 15s
              wal:
                enabled: false
                dir: /mnt/wal
                flush_on_shutdown: false
                fsync: interval
                fsync_interval: 250ms
            limits_config:
              ingestion_rate_mb: 10.5
              ingestion_burst_size_mb: 20
              max_label_name_length: 100
              max_label_value_length: 200
              max_label_names_per_series: 30
              reject_old_samples: false
              reject_old_samples_max_age: 168h
              creation_grace_period: 1h
              max_line_size: 1MB
              max_line_size_truncate: true
              per_stream_rate_limit: 5MB
              per_stream_rate_limit_burst: 20MiB
              max_global_streams_per_user: 10000
              max_entries_limit_per_query: 100
              max_query_series: 50
              max_query_length: 30d
              query_timeout: 5m
              retention_period: 744h
            """;

        var result = Load(yaml);

        Assert.Empty(result.Warnings);
        var o = result.Options;
        Assert.True(o.AuthEnabled);
        Assert.Equal(new ServerOptions { HttpListenAddress = "0.0.0.0", HttpListenPort = 9100, LogLevel = "debug" }, o.Server);
        Assert.Equal("/var/lib/runestone", o.Common.PathPrefix);
        Assert.Equal("/mnt/chunks", o.ChunksDirectory);
        Assert.Equal("/mnt/wal", o.WalDirectory);
        var expectedIngester = new IngesterOptions
        {
            ChunkTargetSize = 2_097_152,
            ChunkIdlePeriod = TimeSpan.FromHours(1),
            MaxChunkAge = TimeSpan.FromMinutes(90),
            ChunkBlockSize = 131_072,
            ChunkEncoding = "snappy",
            FlushCheckPeriod = TimeSpan.FromSeconds(15),
            Wal = new WalOptions
            {
                Enabled = false,
                Dir = "/mnt/wal",
                FlushOnShutdown = false,
                Fsync = FsyncPolicy.Interval,
                FsyncInterval = TimeSpan.FromMilliseconds(250),
            },
        };
        Assert.Equal(expectedIngester, o.Ingester);
        var expectedLimits = new LimitsOptions
        {
            IngestionRateMB = 10.5,
            IngestionBurstSizeMB = 20,
            MaxLabelNameLength = 100,
            MaxLabelValueLength = 200,
            MaxLabelNamesPerSeries = 30,
            RejectOldSamples = false,
            RejectOldSamplesMaxAge = TimeSpan.FromHours(168),
            CreationGracePeriod = TimeSpan.FromHours(1),
            MaxLineSize = 1 << 20,
            MaxLineSizeTruncate = true,
            PerStreamRateLimit = 5 << 20,
            PerStreamRateLimitBurst = 20 << 20,
            MaxGlobalStreamsPerUser = 10000,
            MaxEntriesLimitPerQuery = 100,
            MaxQuerySeries = 50,
            MaxQueryLength = TimeSpan.FromDays(30),
            QueryTimeout = TimeSpan.FromMinutes(5),
            RetentionPeriod = TimeSpan.FromHours(744),
        };
        Assert.Equal(expectedLimits, o.Limits);
    }

    [Theory]
    [InlineData("common:\n  path_prefix: /p\n", "/p/chunks", "/p/wal")]
    [InlineData("common:\n  path_prefix: /p\n  storage:\n    filesystem:\n      chunks_directory: /c\n", "/c", "/p/wal")]
    [InlineData("common:\n  storage:\n    filesystem:\n      chunks_directory: /c\nstorage_config:\n  filesystem:\n    directory: /s\n", "/s", "./data/wal")]
    [InlineData("common:\n  path_prefix: /p\ningester:\n  wal:\n    dir: /w\n", "/p/chunks", "/w")]
    public void Directories_follow_Lokis_precedence(string yaml, string chunks, string wal)
    {
        var o = Load(yaml).Options;

        Assert.Equal(chunks, o.ChunksDirectory.Replace('\\', '/'));
        Assert.Equal(wal, o.WalDirectory.Replace('\\', '/'));
    }

    [Fact]
    public void Each_unknown_key_gives_exactly_one_warning_with_its_path_and_line()
    {
        const string yaml = """
            auth_enabled: false
            target: all
            server:
              http_listen_port: 3100
              grpc_listen_port: 9096
            ingester:
              lifecycler:
                ring:
                  kvstore:
                    store: inmemory
                  replication_factor: 1
              wal:
                checkpoint_duration: 5m
            schema_config:
              configs:
                - from: 2020-10-24
                  store: boltdb-shipper
            limits_config:
              enforce_metric_name: false
            common:
              storage:
                filesystem:
                  rules_directory: /r
            """;

        var warnings = Load(yaml).Warnings;

        Assert.Equal(
            [
                "config: key 'target' (line 2) is not implemented by Runestone and is ignored",
                "config: key 'server.grpc_listen_port' (line 5) is not implemented by Runestone and is ignored",
                "config: key 'ingester.lifecycler' (line 7) is not implemented by Runestone and is ignored",
                "config: key 'ingester.wal.checkpoint_duration' (line 13) is not implemented by Runestone and is ignored",
                "config: key 'schema_config' (line 14) is not implemented by Runestone and is ignored",
                "config: key 'limits_config.enforce_metric_name' (line 19) is not implemented by Runestone and is ignored",
                "config: key 'common.storage.filesystem.rules_directory' (line 23) is not implemented by Runestone and is ignored",
            ],
            warnings);
    }

    [Theory]
    [InlineData("limits_config:\n  ingestion_rate_mb: fast\n", "config.yaml:2:22: limits_config.ingestion_rate_mb: expected a number, got 'fast'")]
    [InlineData("server:\n  http_listen_port: 31OO\n", "config.yaml:2:21: server.http_listen_port: expected an integer, got '31OO'")]
    [InlineData("auth_enabled: maybe\n", "config.yaml:1:15: auth_enabled: expected true or false, got 'maybe'")]
    [InlineData("ingester:\n  max_chunk_age: soon\n", "config.yaml:2:18: ingester.max_chunk_age: expected a duration such as 30s, 5m, 2h or 7d, got 'soon'")]
    [InlineData("limits_config:\n  max_line_size: 256XB\n", "config.yaml:2:18: limits_config.max_line_size: expected a size such as 262144, 256KB or 3MB, got '256XB'")]
    [InlineData("server: 3100\n", "config.yaml:1:9: server: expected a mapping of keys, got '3100'")]
    [InlineData("server:\n  http_listen_address:\n    - a\n", "config.yaml:3:5: server.http_listen_address: expected a string, got a list")]
    [InlineData("ingester:\n  wal:\n    fsync: sometimes\n", "config.yaml:3:12: ingester.wal.fsync: expected always, interval or never, got 'sometimes'")]
    [InlineData("- a\n- b\n", "config.yaml:1:1: (top level): expected a mapping of keys, got a list")]
    public void Wrong_type_names_file_line_column_path_and_expectation(string yaml, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => Load(yaml));

        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("server:\n  http_listen_port: [3100\n")]
    [InlineData("server:\n\thttp_listen_port: 3100\n")]
    [InlineData("a: 'unterminated\n")]
    public void Malformed_yaml_is_a_one_line_error_with_position(string yaml)
    {
        var ex = Assert.Throws<ConfigException>(() => Load(yaml));

        Assert.Matches(@"^config\.yaml:\d+:\d+: \S", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain("Idx:", ex.Message);
    }

    [Fact]
    public void Duplicate_key_is_an_error()
    {
        var ex = Assert.Throws<ConfigException>(() => Load("server:\n  http_listen_port: 1\n  http_listen_port: 2\n"));

        Assert.StartsWith("config.yaml", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Null_values_keep_defaults()
    {
        var o = Load("server:\ningester:\n  chunk_encoding: ~\nlimits_config:\n  max_line_size: null\n").Options;

        Assert.Equal(RunestoneOptions.Default, o);
    }

    [Theory]
    [InlineData("262144", 262_144)]
    [InlineData("256KB", 262_144)]
    [InlineData("256kb", 262_144)]
    [InlineData("3MB", 3_145_728)]
    [InlineData("1MiB", 1_048_576)]
    [InlineData("2M", 2_097_152)]
    [InlineData("100B", 100)]
    [InlineData("0", 0)]
    public void Sizes_accept_Lokis_units(string text, long bytes)
    {
        var o = Load($"limits_config:\n  max_line_size: {text}\n").Options;

        Assert.Equal(bytes, o.Limits.MaxLineSize);
    }

    [Fact]
    public void Invalid_values_are_rejected_with_what_to_change()
    {
        var ex = Assert.Throws<ConfigException>(() => Load("ingester:\n  chunk_encoding: brotli\n"));
        Assert.Equal("config: ingester.chunk_encoding: invalid value 'brotli': set it to one of none, gzip, snappy, lz4, zstd, zstd-templates", ex.Message);

        ex = Assert.Throws<ConfigException>(() => Load("limits_config:\n  max_global_streams_per_user: -1\n"));
        Assert.Equal("config: limits_config.max_global_streams_per_user: invalid value '-1': set it to 0 or more (0 disables the limit)", ex.Message);

        ex = Assert.Throws<ConfigException>(() => Load("ingester:\n  chunk_idle_period: 0s\n"));
        Assert.Equal("config: ingester.chunk_idle_period: invalid value '0s': set it to a duration above 0, e.g. 30m", ex.Message);

        ex = Assert.Throws<ConfigException>(() => Load("server:\n  http_listen_port: 70000\n"));
        Assert.Contains("server.http_listen_port", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<ConfigException>(() => Load("limits_config:\n  per_stream_rate_limit_burst: 0\n"));
        Assert.StartsWith("config: limits_config.per_stream_rate_limit_burst: invalid value '0': set it above 0", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, Load("limits_config:\n  per_stream_rate_limit: 0\n  per_stream_rate_limit_burst: 0\n").Options.Limits.PerStreamRateLimitBurst);

        ex = Assert.Throws<ConfigException>(() => Load("server:\n  log_level: verbose\n"));
        Assert.Equal("config: server.log_level: invalid value 'verbose': set it to one of debug, info, warn, error", ex.Message);
    }

    [Fact]
    public void Expand_env_substitutes_variables_before_parsing()
    {
        var env = new Dictionary<string, string> { ["PORT"] = "4100", ["DIR"] = "/srv" };
        const string yaml = "server:\n  http_listen_port: ${PORT}\ncommon:\n  path_prefix: $DIR/loki\nlimits_config:\n  max_line_size: ${LINE:-1MB}\n";

        var o = Load(yaml, expandEnv: true, env: k => env.GetValueOrDefault(k)).Options;

        Assert.Equal(4100, o.Server.HttpListenPort);
        Assert.Equal("/srv/loki", o.Common.PathPrefix);
        Assert.Equal(1 << 20, o.Limits.MaxLineSize);
    }

    [Fact]
    public void Without_expand_env_variables_are_left_alone()
    {
        var o = Load("common:\n  path_prefix: ${DIR}\n", expandEnv: false, env: _ => "/x").Options;

        Assert.Equal("${DIR}", o.Common.PathPrefix);
    }

    [Fact]
    public void Resolve_reads_the_file_then_applies_flags_over_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"runestone-config-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "auth_enabled: true\nserver:\n  http_listen_port: 4000\ncommon:\n  path_prefix: /from-file\nunknown_block: 1\n");
        try
        {
            var cmd = CommandLine.Parse([$"-config.file={path}", "-server.http-listen-port=5000", "-common.path-prefix=/from-flag"]);

            var result = ConfigLoader.Resolve(cmd, s_noEnv);

            Assert.True(result.Options.AuthEnabled);
            Assert.Equal(5000, result.Options.Server.HttpListenPort);
            Assert.Equal("/from-flag/chunks", result.Options.ChunksDirectory.Replace('\\', '/'));
            Assert.Single(result.Warnings);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Resolve_without_a_file_runs_on_defaults_and_reports_a_missing_file()
    {
        Assert.Equal(RunestoneOptions.Default, ConfigLoader.Resolve(new ServerCommandLine(), s_noEnv).Options);

        var missing = Path.Combine(Path.GetTempPath(), $"runestone-missing-{Guid.NewGuid():N}.yaml");
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Resolve(new ServerCommandLine { ConfigFile = missing }, s_noEnv));
        Assert.StartsWith(missing + ": cannot read the configuration file", ex.Message);
    }

    [Fact]
    public void Flags_are_validated_too()
    {
        var cmd = CommandLine.Parse(["-server.http-listen-port=99999"]);

        Assert.Throws<ConfigException>(() => ConfigLoader.Resolve(cmd, s_noEnv));
    }
}
