using System.Text.RegularExpressions;
using Runestone.Core.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runestone.Server.Configuration;

/// <summary>
/// Reads Loki's YAML configuration layout for the parts Runestone implements. Every other key is
/// reported once as a warning naming its YAML path and line, and never prevents start; a malformed
/// file or a value of the wrong type throws <see cref="ConfigException"/> naming file, line,
/// column and path.
/// </summary>
public static partial class ConfigLoader
{
    /// <summary>Parses <paramref name="yamlText"/> (named <paramref name="sourceName"/> in messages) and validates the result.</summary>
    public static ConfigLoadResult Load(string yamlText, string sourceName, bool expandEnv, Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(env);
        if (expandEnv)
        {
            yamlText = EnvExpander.Expand(yamlText, env);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yamlText));
        }
        catch (YamlException ex)
        {
            throw new ConfigException($"{sourceName}:{ex.Start.Line}:{ex.Start.Column}: {StripMark(ex)}", ex);
        }

        var reader = new YamlReader(sourceName);
        var options = RunestoneOptions.Default;
        if (stream.Documents.Count > 1)
        {
            throw reader.Error(stream.Documents[1].RootNode, "(document)", "expected a single YAML document");
        }

        if (stream.Documents.Count == 1 && reader.Mapping(stream.Documents[0].RootNode, "(top level)") is { } root)
        {
            options = ReadRoot(reader, root, options);
        }

        OptionsValidator.Validate(options);
        return new ConfigLoadResult(options, reader.Warnings);
    }

    /// <summary>
    /// The whole start-up sequence: reads <see cref="ServerCommandLine.ConfigFile"/> when given (else
    /// the embedded defaults), applies the command-line overrides and validates.
    /// </summary>
    public static ConfigLoadResult Resolve(ServerCommandLine commandLine, Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var result = new ConfigLoadResult(RunestoneOptions.Default, []);
        if (commandLine.ConfigFile is { } path)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException($"{path}: cannot read the configuration file: {ex.Message}", ex);
            }

            result = Load(text, path, commandLine.ExpandEnv, env);
        }

        var options = commandLine.ApplyTo(result.Options);
        OptionsValidator.Validate(options);
        return result with { Options = options };
    }

    private static RunestoneOptions ReadRoot(YamlReader r, YamlMappingNode root, RunestoneOptions o)
    {
        foreach (var (key, keyNode, value, path) in r.Entries(root, string.Empty))
        {
            switch (key)
            {
                case "auth_enabled":
                    o = o with { AuthEnabled = r.Bool(value, path, o.AuthEnabled) };
                    break;
                case "server":
                    o = o with { Server = ReadServer(r, r.Mapping(value, path), path, o.Server) };
                    break;
                case "common":
                    o = o with { Common = ReadCommon(r, r.Mapping(value, path), path, o.Common) };
                    break;
                case "storage_config":
                    o = o with { Storage = ReadStorage(r, r.Mapping(value, path), path, o.Storage) };
                    break;
                case "ingester":
                    o = o with { Ingester = ReadIngester(r, r.Mapping(value, path), path, o.Ingester) };
                    break;
                case "limits_config":
                    o = o with { Limits = ReadLimits(r, r.Mapping(value, path), path, o.Limits) };
                    break;
                default:
                    r.Unknown(keyNode, path);
                    break;
            }
        }

        return o;
    }

    private static ServerOptions ReadServer(YamlReader r, YamlMappingNode? map, string prefix, ServerOptions o)
    {
        if (map is null)
        {
            return o;
        }

        foreach (var (key, keyNode, value, path) in r.Entries(map, prefix))
        {
            o = key switch
            {
                "http_listen_address" => o with { HttpListenAddress = r.String(value, path, o.HttpListenAddress) },
                "http_listen_port" => o with { HttpListenPort = r.Int(value, path, o.HttpListenPort) },
                "log_level" => o with { LogLevel = r.String(value, path, o.LogLevel) },
                _ => Ignore(r, keyNode, path, o),
            };
        }

        return o;
    }

    private static CommonOptions ReadCommon(YamlReader r, YamlMappingNode? map, string prefix, CommonOptions o)
    {
        if (map is null)
        {
            return o;
        }

        foreach (var (key, keyNode, value, path) in r.Entries(map, prefix))
        {
            switch (key)
            {
                case "path_prefix":
                    o = o with { PathPrefix = r.String(value, path, o.PathPrefix) };
                    break;
                case "storage" when r.Mapping(value, path) is { } storage:
                    foreach (var (sKey, sKeyNode, sValue, sPath) in r.Entries(storage, path))
                    {
                        if (sKey == "filesystem" && r.Mapping(sValue, sPath) is { } fs)
                        {
                            foreach (var (fKey, fKeyNode, fValue, fPath) in r.Entries(fs, sPath))
                            {
                                o = fKey == "chunks_directory"
                                    ? o with { ChunksDirectory = r.OptionalString(fValue, fPath, o.ChunksDirectory) }
                                    : Ignore(r, fKeyNode, fPath, o);
                            }
                        }
                        else if (sKey != "filesystem")
                        {
                            r.Unknown(sKeyNode, sPath);
                        }
                    }

                    break;
                case "storage":
                    break;
                default:
                    r.Unknown(keyNode, path);
                    break;
            }
        }

        return o;
    }

    private static StorageOptions ReadStorage(YamlReader r, YamlMappingNode? map, string prefix, StorageOptions o)
    {
        if (map is null)
        {
            return o;
        }

        foreach (var (key, keyNode, value, path) in r.Entries(map, prefix))
        {
            if (key != "filesystem")
            {
                r.Unknown(keyNode, path);
                continue;
            }

            if (r.Mapping(value, path) is not { } fs)
            {
                continue;
            }

            foreach (var (fKey, fKeyNode, fValue, fPath) in r.Entries(fs, path))
            {
                o = fKey == "directory"
                    ? o with { FilesystemDirectory = r.OptionalString(fValue, fPath, o.FilesystemDirectory) }
                    : Ignore(r, fKeyNode, fPath, o);
            }
        }

        return o;
    }

    private static IngesterOptions ReadIngester(YamlReader r, YamlMappingNode? map, string prefix, IngesterOptions o)
    {
        if (map is null)
        {
            return o;
        }

        foreach (var (key, keyNode, value, path) in r.Entries(map, prefix))
        {
            o = key switch
            {
                "chunk_target_size" => o with { ChunkTargetSize = r.Long(value, path, o.ChunkTargetSize) },
                "chunk_idle_period" => o with { ChunkIdlePeriod = r.Duration(value, path, o.ChunkIdlePeriod) },
                "max_chunk_age" => o with { MaxChunkAge = r.Duration(value, path, o.MaxChunkAge) },
                "chunk_block_size" => o with { ChunkBlockSize = r.Long(value, path, o.ChunkBlockSize) },
                "chunk_encoding" => o with { ChunkEncoding = r.String(value, path, o.ChunkEncoding) },
                "flush_check_period" => o with { FlushCheckPeriod = r.Duration(value, path, o.FlushCheckPeriod) },
                "wal" => o with { Wal = ReadWal(r, r.Mapping(value, path), path, o.Wal) },
                _ => Ignore(r, keyNode, path, o),
            };
        }

        return o;
    }

    private static WalOptions ReadWal(YamlReader r, YamlMappingNode? map, string prefix, WalOptions o)
    {
        if (map is null)
        {
            return o;
        }

        foreach (var (key, keyNode, value, path) in r.Entries(map, prefix))
        {
            o = key switch
            {
                "enabled" => o with { Enabled = r.Bool(value, path, o.Enabled) },
                "dir" => o with { Dir = r.OptionalString(value, path, o.Dir) },
                "flush_on_shutdown" => o with { FlushOnShutdown = r.Bool(value, path, o.FlushOnShutdown) },
                "fsync" => o with { Fsync = ReadFsync(r, value, path, o.Fsync) },
                "fsync_interval" => o with { FsyncInterval = r.Duration(value, path, o.FsyncInterval) },
                _ => Ignore(r, keyNode, path, o),
            };
        }

        return o;
    }

    private static FsyncPolicy ReadFsync(YamlReader r, YamlNode value, string path, FsyncPolicy current)
    {
        var text = r.String(value, path, FsyncPolicyText.Format(current));
        return FsyncPolicyText.TryParse(text, out var policy)
            ? policy
            : throw r.Error(value, path, "expected always, interval or never");
    }

    private static LimitsOptions ReadLimits(YamlReader r, YamlMappingNode? map, string prefix, LimitsOptions o)
    {
        if (map is null)
        {
            return o;
        }

        foreach (var (key, keyNode, v, p) in r.Entries(map, prefix))
        {
            o = key switch
            {
                "ingestion_rate_mb" => o with { IngestionRateMB = r.Double(v, p, o.IngestionRateMB) },
                "ingestion_burst_size_mb" => o with { IngestionBurstSizeMB = r.Double(v, p, o.IngestionBurstSizeMB) },
                "max_label_name_length" => o with { MaxLabelNameLength = r.Int(v, p, o.MaxLabelNameLength) },
                "max_label_value_length" => o with { MaxLabelValueLength = r.Int(v, p, o.MaxLabelValueLength) },
                "max_label_names_per_series" => o with { MaxLabelNamesPerSeries = r.Int(v, p, o.MaxLabelNamesPerSeries) },
                "reject_old_samples" => o with { RejectOldSamples = r.Bool(v, p, o.RejectOldSamples) },
                "reject_old_samples_max_age" => o with { RejectOldSamplesMaxAge = r.Duration(v, p, o.RejectOldSamplesMaxAge) },
                "creation_grace_period" => o with { CreationGracePeriod = r.Duration(v, p, o.CreationGracePeriod) },
                "max_line_size" => o with { MaxLineSize = r.Size(v, p, o.MaxLineSize) },
                "max_line_size_truncate" => o with { MaxLineSizeTruncate = r.Bool(v, p, o.MaxLineSizeTruncate) },
                "per_stream_rate_limit" => o with { PerStreamRateLimit = r.Size(v, p, o.PerStreamRateLimit) },
                "per_stream_rate_limit_burst" => o with { PerStreamRateLimitBurst = r.Size(v, p, o.PerStreamRateLimitBurst) },
                "max_global_streams_per_user" => o with { MaxGlobalStreamsPerUser = r.Int(v, p, o.MaxGlobalStreamsPerUser) },
                "max_entries_limit_per_query" => o with { MaxEntriesLimitPerQuery = r.Int(v, p, o.MaxEntriesLimitPerQuery) },
                "max_query_series" => o with { MaxQuerySeries = r.Int(v, p, o.MaxQuerySeries) },
                "max_query_length" => o with { MaxQueryLength = r.Duration(v, p, o.MaxQueryLength) },
                "query_timeout" => o with { QueryTimeout = r.Duration(v, p, o.QueryTimeout) },
                "retention_period" => o with { RetentionPeriod = r.Duration(v, p, o.RetentionPeriod) },
                _ => Ignore(r, keyNode, p, o),
            };
        }

        return o;
    }

    private static T Ignore<T>(YamlReader r, YamlNode keyNode, string path, T unchanged)
    {
        r.Unknown(keyNode, path);
        return unchanged;
    }

    private static string StripMark(YamlException ex)
    {
        // YamlDotNet prefixes "(Line: 7, Col: 21, Idx: 130) - (Line: 7, Col: 22, Idx: 131): "; the caller prints the position itself.
        var message = MarkPrefix().Replace(ex.Message, string.Empty);
        return message.Split('\n')[0].Trim();
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPrefix();
}
