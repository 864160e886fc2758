using Runestone.Server.Configuration;
using Xunit;

namespace Runestone.Server.Tests.Configuration;

public sealed class ConfigPrinterTests
{
    [Fact]
    public void Prints_defaults_in_Lokis_layout()
    {
        var yaml = ConfigPrinter.ToYaml(RunestoneOptions.Default);

        Assert.StartsWith("auth_enabled: false\nserver:\n  http_listen_address: 127.0.0.1\n  http_listen_port: 3100\n", yaml, StringComparison.Ordinal);
        Assert.Contains("storage_config:\n  filesystem:\n    directory: ./data/chunks\n", yaml.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.Contains("\n  chunk_target_size: 1572864\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\n  chunk_idle_period: 30m\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\n  max_chunk_age: 2h\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\n  wal:\n    enabled: true\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\n  max_line_size: 256KB\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\n  per_stream_rate_limit: 3MB\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\n  per_stream_rate_limit_burst: 15MB\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\n  ingestion_rate_mb: 4\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\n  reject_old_samples_max_age: 168h\n", yaml, StringComparison.Ordinal);
        Assert.Contains("\n  retention_period: 0s\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Printed_configuration_loads_back_without_warnings_to_the_same_options()
    {
        var options = RunestoneOptions.Default with
        {
            AuthEnabled = true,
            Server = new ServerOptions { HttpListenAddress = "", HttpListenPort = 0, LogLevel = "warn" },
            Common = new CommonOptions { PathPrefix = "/data dir/with: colon", ChunksDirectory = "/c" },
            Ingester = new IngesterOptions
            {
                ChunkEncoding = "gzip",
                MaxChunkAge = TimeSpan.FromMinutes(90),
                Wal = new WalOptions { Fsync = FsyncPolicy.Interval, FsyncInterval = TimeSpan.FromMilliseconds(200), Dir = "#wal" },
            },
            Limits = new LimitsOptions { IngestionRateMB = 0.5, MaxLineSize = 1000, RetentionPeriod = TimeSpan.FromDays(31) },
        };

        var first = ConfigPrinter.ToYaml(options);
        var reloaded = ConfigLoader.Load(first, "printed", expandEnv: false, _ => null);
        var second = ConfigPrinter.ToYaml(reloaded.Options);

        Assert.Empty(reloaded.Warnings);
        Assert.Equal(first, second);
        Assert.Equal(options.Limits, reloaded.Options.Limits);
        Assert.Equal(options.Server, reloaded.Options.Server);
        Assert.Equal(options.Common, reloaded.Options.Common);
        Assert.Equal(options.WalDirectory, reloaded.Options.WalDirectory);
        Assert.Equal(options.ChunksDirectory, reloaded.Options.ChunksDirectory);
    }

    [Theory]
    [InlineData(0, "0B")]
    [InlineData(262_144, "256KB")]
    [InlineData(3_145_728, "3MB")]
    [InlineData(1_073_741_824, "1GB")]
    [InlineData(1000, "1000B")]
    [InlineData(1536, "1536B")]
    public void Sizes_print_like_Loki(long bytes, string text)
    {
        Assert.Equal(text, ByteSizeText.Format(bytes));
        Assert.True(ByteSizeText.TryParse(text, out var back));
        Assert.Equal(bytes, back);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MB")]
    [InlineData("1.5MB")]
    [InlineData("-1")]
    [InlineData("12 parsecs")]
    [InlineData("99999999999999999999")]
    [InlineData("9999999999TB")]
    public void Bad_sizes_are_refused(string text)
    {
        Assert.False(ByteSizeText.TryParse(text, out _));
    }
}
