using System.Globalization;
using System.Text;
using Runestone.Core.Time;

namespace Runestone.Server.Configuration;

/// <summary>
/// Prints the effective configuration in Loki's YAML layout and key names: what <c>GET /config</c>
/// returns and <c>-print-config-stderr</c> prints. Derived directories are printed resolved, and the
/// output loads back to the same options.
/// </summary>
public static class ConfigPrinter
{
    public static string ToYaml(RunestoneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var w = new Writer();
        w.Bool(0, "auth_enabled", options.AuthEnabled);

        w.Section(0, "server");
        w.Text(1, "http_listen_address", options.Server.HttpListenAddress);
        w.Int(1, "http_listen_port", options.Server.HttpListenPort);
        w.Text(1, "log_level", options.Server.LogLevel);

        w.Section(0, "common");
        w.Text(1, "path_prefix", options.Common.PathPrefix);
        if (options.Common.ChunksDirectory is { } commonChunks)
        {
            w.Section(1, "storage");
            w.Section(2, "filesystem");
            w.Text(3, "chunks_directory", commonChunks);
        }

        w.Section(0, "storage_config");
        w.Section(1, "filesystem");
        w.Text(2, "directory", options.ChunksDirectory);

        var ingester = options.Ingester;
        w.Section(0, "ingester");
        w.Int(1, "chunk_target_size", ingester.ChunkTargetSize);
        w.Duration(1, "chunk_idle_period", ingester.ChunkIdlePeriod);
        w.Duration(1, "max_chunk_age", ingester.MaxChunkAge);
        w.Int(1, "chunk_block_size", ingester.ChunkBlockSize);
        w.Text(1, "chunk_encoding", ingester.ChunkEncoding);
        w.Duration(1, "flush_check_period", ingester.FlushCheckPeriod);
        w.Section(1, "wal");
        w.Bool(2, "enabled", ingester.Wal.Enabled);
        w.Text(2, "dir", options.WalDirectory);
        w.Bool(2, "flush_on_shutdown", ingester.Wal.FlushOnShutdown);
        w.Text(2, "fsync", FsyncPolicyText.Format(ingester.Wal.Fsync));
        w.Duration(2, "fsync_interval", ingester.Wal.FsyncInterval);

        var l = options.Limits;
        w.Section(0, "limits_config");
        w.Number(1, "ingestion_rate_mb", l.IngestionRateMB);
        w.Number(1, "ingestion_burst_size_mb", l.IngestionBurstSizeMB);
        w.Int(1, "max_label_name_length", l.MaxLabelNameLength);
        w.Int(1, "max_label_value_length", l.MaxLabelValueLength);
        w.Int(1, "max_label_names_per_series", l.MaxLabelNamesPerSeries);
        w.Bool(1, "reject_old_samples", l.RejectOldSamples);
        w.Duration(1, "reject_old_samples_max_age", l.RejectOldSamplesMaxAge);
        w.Duration(1, "creation_grace_period", l.CreationGracePeriod);
        w.Text(1, "max_line_size", ByteSizeText.Format(l.MaxLineSize));
        w.Bool(1, "max_line_size_truncate", l.MaxLineSizeTruncate);
        w.Text(1, "per_stream_rate_limit", ByteSizeText.Format(l.PerStreamRateLimit));
        w.Text(1, "per_stream_rate_limit_burst", ByteSizeText.Format(l.PerStreamRateLimitBurst));
        w.Int(1, "max_global_streams_per_user", l.MaxGlobalStreamsPerUser);
        w.Int(1, "max_entries_limit_per_query", l.MaxEntriesLimitPerQuery);
        w.Int(1, "max_query_series", l.MaxQuerySeries);
        w.Duration(1, "max_query_length", l.MaxQueryLength);
        w.Duration(1, "query_timeout", l.QueryTimeout);
        w.Duration(1, "retention_period", l.RetentionPeriod);
        return w.ToString();
    }

    private sealed class Writer
    {
        private readonly StringBuilder _sb = new();

        public void Section(int depth, string key) => Key(depth, key).Append('\n');

        public void Bool(int depth, string key, bool value) => Line(depth, key, value ? "true" : "false");

        public void Int(int depth, string key, long value) => Line(depth, key, value.ToString(CultureInfo.InvariantCulture));

        public void Number(int depth, string key, double value) => Line(depth, key, value.ToString("R", CultureInfo.InvariantCulture));

        public void Duration(int depth, string key, TimeSpan value) => Line(depth, key, DurationText.Format(value));

        public void Text(int depth, string key, string value) => Line(depth, key, Quote(value));

        public override string ToString() => _sb.ToString();

        private void Line(int depth, string key, string value) => Key(depth, key).Append(' ').Append(value).Append('\n');

        private StringBuilder Key(int depth, string key) => _sb.Append(' ', depth * 2).Append(key).Append(':');

        /// <summary>Plain when YAML reads it back as the same string, double-quoted otherwise.</summary>
        private static string Quote(string value)
        {
            if (IsPlainSafe(value))
            {
                return value;
            }

            var sb = new StringBuilder(value.Length + 2).Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\r': sb.Append("\\r"); break;
                    default:
                        if (c < 0x20)
                        {
                            sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            return sb.Append('"').ToString();
        }

        private static bool IsPlainSafe(string value)
        {
            if (value.Length == 0 || value is "~" or "null" or "Null" or "NULL" or "true" or "false" or "yes" or "no" or "on" or "off")
            {
                return false;
            }

            if (value[0] is '-' or '?' or ':' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`' or ' ')
            {
                return false;
            }

            if (value[^1] == ' ')
            {
                return false;
            }

            foreach (var c in value)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '_' or '-' or '+' or '@' or ':' or '~' or '='))
                {
                    return false;
                }
            }

            return !value.Contains(": ", StringComparison.Ordinal) && !value.EndsWith(':');
        }
    }
}
