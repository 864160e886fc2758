using System.Globalization;

namespace Runestone.Server.Configuration;

/// <summary>
/// Checks the final options (after the file and the command line) and throws
/// <see cref="ConfigException"/> with a message that says which setting to change and how.
/// </summary>
public static class OptionsValidator
{
    public static void Validate(RunestoneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var server = options.Server;
        Require(server.HttpListenPort is >= 0 and <= 65535, "server.http_listen_port", server.HttpListenPort, "set it to a port between 0 and 65535 (0 picks a free port)");
        Require(ServerOptions.LogLevels.Contains(server.LogLevel), "server.log_level", server.LogLevel, "set it to one of " + string.Join(", ", ServerOptions.LogLevels));
        Require(!string.IsNullOrWhiteSpace(options.Common.PathPrefix), "common.path_prefix", options.Common.PathPrefix, "set it to the directory that holds Runestone's data, e.g. ./data");
        Require(options.Storage.FilesystemDirectory is null || options.Storage.FilesystemDirectory.Trim().Length > 0, "storage_config.filesystem.directory", options.Storage.FilesystemDirectory, "remove it or set it to a directory");
        Require(options.Common.ChunksDirectory is null || options.Common.ChunksDirectory.Trim().Length > 0, "common.storage.filesystem.chunks_directory", options.Common.ChunksDirectory, "remove it or set it to a directory");

        var ingester = options.Ingester;
        Require(ingester.ChunkTargetSize >= 0, "ingester.chunk_target_size", ingester.ChunkTargetSize, "set it to a size in bytes of 0 or more (1572864 is Loki's default)");
        Require(ingester.ChunkBlockSize > 0, "ingester.chunk_block_size", ingester.ChunkBlockSize, "set it to a size in bytes above 0 (262144 is Loki's default)");
        Require(ingester.ChunkIdlePeriod > TimeSpan.Zero, "ingester.chunk_idle_period", ingester.ChunkIdlePeriod, "set it to a duration above 0, e.g. 30m");
        Require(ingester.MaxChunkAge > TimeSpan.Zero, "ingester.max_chunk_age", ingester.MaxChunkAge, "set it to a duration above 0, e.g. 2h");
        Require(ingester.FlushCheckPeriod > TimeSpan.Zero, "ingester.flush_check_period", ingester.FlushCheckPeriod, "set it to a duration above 0, e.g. 30s");
        Require(IngesterOptions.ChunkEncodings.Contains(ingester.ChunkEncoding), "ingester.chunk_encoding", ingester.ChunkEncoding, "set it to one of " + string.Join(", ", IngesterOptions.ChunkEncodings));
        Require(ingester.Wal.Dir is null || ingester.Wal.Dir.Trim().Length > 0, "ingester.wal.dir", ingester.Wal.Dir, "remove it or set it to a directory");
        Require(ingester.Wal.Fsync != FsyncPolicy.Interval || ingester.Wal.FsyncInterval > TimeSpan.Zero, "ingester.wal.fsync_interval", ingester.Wal.FsyncInterval, "set it to a duration above 0, e.g. 1s, or choose fsync: always");

        var l = options.Limits;
        Require(l.IngestionRateMB >= 0, "limits_config.ingestion_rate_mb", l.IngestionRateMB, "set it to 0 or more (MB per second; 0 disables the limit)");
        Require(l.IngestionBurstSizeMB >= 0, "limits_config.ingestion_burst_size_mb", l.IngestionBurstSizeMB, "set it to 0 or more (MB)");
        Require(l.IngestionRateMB == 0 || l.IngestionBurstSizeMB > 0, "limits_config.ingestion_burst_size_mb", l.IngestionBurstSizeMB, "set it above 0, at least as large as the biggest push request, or set ingestion_rate_mb to 0 to disable the rate limit");
        Require(l.MaxLabelNameLength > 0, "limits_config.max_label_name_length", l.MaxLabelNameLength, "set it to 1 or more");
        Require(l.MaxLabelValueLength > 0, "limits_config.max_label_value_length", l.MaxLabelValueLength, "set it to 1 or more");
        Require(l.MaxLabelNamesPerSeries > 0, "limits_config.max_label_names_per_series", l.MaxLabelNamesPerSeries, "set it to 1 or more");
        Require(l.RejectOldSamplesMaxAge >= TimeSpan.Zero, "limits_config.reject_old_samples_max_age", l.RejectOldSamplesMaxAge, "set it to a duration of 0 or more, e.g. 1w");
        Require(l.CreationGracePeriod >= TimeSpan.Zero, "limits_config.creation_grace_period", l.CreationGracePeriod, "set it to a duration of 0 or more, e.g. 10m");
        Require(l.MaxLineSize is >= 0 and <= int.MaxValue, "limits_config.max_line_size", l.MaxLineSize, "set it to a size of 0 (no limit) up to 2GB, e.g. 256KB");
        Require(l.PerStreamRateLimit >= 0, "limits_config.per_stream_rate_limit", l.PerStreamRateLimit, "set it to a size of 0 or more, e.g. 3MB (0 disables the limit)");
        Require(l.PerStreamRateLimit == 0 || l.PerStreamRateLimitBurst > 0, "limits_config.per_stream_rate_limit_burst", l.PerStreamRateLimitBurst, "set it above 0, at least as large as the biggest push for one stream, e.g. 15MB, or set per_stream_rate_limit to 0 to disable the limit");
        Require(l.PerStreamRateLimitBurst >= 0, "limits_config.per_stream_rate_limit_burst", l.PerStreamRateLimitBurst, "set it to a size of 0 or more, e.g. 15MB");
        Require(l.MaxGlobalStreamsPerUser >= 0, "limits_config.max_global_streams_per_user", l.MaxGlobalStreamsPerUser, "set it to 0 or more (0 disables the limit)");
        Require(l.MaxEntriesLimitPerQuery >= 0, "limits_config.max_entries_limit_per_query", l.MaxEntriesLimitPerQuery, "set it to 0 or more");
        Require(l.MaxQuerySeries >= 0, "limits_config.max_query_series", l.MaxQuerySeries, "set it to 0 or more");
        Require(l.MaxQueryLength >= TimeSpan.Zero, "limits_config.max_query_length", l.MaxQueryLength, "set it to a duration of 0 or more (0 disables the limit)");
        Require(l.QueryTimeout > TimeSpan.Zero, "limits_config.query_timeout", l.QueryTimeout, "set it to a duration above 0, e.g. 1m");
        Require(l.RetentionPeriod >= TimeSpan.Zero, "limits_config.retention_period", l.RetentionPeriod, "set it to a duration of 0 (keep forever) or more, e.g. 744h");
    }

    private static void Require(bool condition, string key, object? value, string fix)
    {
        if (!condition)
        {
            Fail(key, value, fix);
        }
    }

    private static void Fail(string key, object? value, string fix)
    {
        var shown = value switch
        {
            null => "(empty)",
            TimeSpan t => Core.Time.DurationText.Format(t),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        throw new ConfigException($"config: {key}: invalid value '{shown}': {fix}");
    }
}
