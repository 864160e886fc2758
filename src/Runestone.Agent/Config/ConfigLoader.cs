using Runestone.Core.Configuration;
using Runestone.Agent.Relabeling;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runestone.Agent.Config;

/// <summary>Loads Promtail YAML into <see cref="AgentConfig"/>, collecting warnings and errors with paths and lines.</summary>
public static class ConfigLoader
{
    private static readonly string[] s_top = ["server", "positions", "clients", "client", "limits_config", "target_config", "scrape_configs", "options", "tracing", "global", "wal"];
    private static readonly string[] s_server = ["http_listen_address", "http_listen_port", "grpc_listen_address", "grpc_listen_port", "log_level", "log_format", "disable", "register_instrumentation", "http_server_read_timeout", "http_server_write_timeout", "http_server_idle_timeout", "graceful_shutdown_timeout", "http_path_prefix", "health_check_target", "enable_runtime_reload", "profiling_enabled"];
    private static readonly string[] s_positions = ["filename", "sync_period", "ignore_invalid_yaml"];
    private static readonly string[] s_client = ["url", "tenant_id", "batchwait", "batchsize", "timeout", "backoff_config", "external_labels", "basic_auth", "bearer_token", "bearer_token_file", "tls_config", "headers", "drop_rate_limited_batches", "proxy_url", "oauth2", "authorization", "follow_redirects", "enable_http2", "stream_lag_labels"];
    private static readonly string[] s_backoff = ["min_period", "max_period", "max_retries"];
    private static readonly string[] s_basicAuth = ["username", "password", "password_file"];
    private static readonly string[] s_tls = ["ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify", "min_version"];
    private static readonly string[] s_limits = ["readline_rate_enabled", "readline_rate", "readline_burst", "readline_rate_drop", "max_streams", "max_line_size", "max_line_size_truncate"];
    private static readonly string[] s_targetConfig = ["sync_period", "stdin"];
    private static readonly string[] s_scrape = ["job_name", "pipeline_stages", "static_configs", "kubernetes_sd_configs", "relabel_configs", "syslog", "loki_push_api", "journal", "decompression", "file_sd_configs", "encoding"];
    private static readonly string[] s_static = ["targets", "labels"];
    private static readonly string[] s_k8s = ["role", "api_server", "kubeconfig_file", "namespaces", "selectors", "bearer_token", "bearer_token_file", "tls_config", "basic_auth", "attach_metadata", "follow_redirects", "enable_http2", "proxy_url"];
    private static readonly string[] s_k8sNamespaces = ["names", "own_namespace"];
    private static readonly string[] s_k8sSelector = ["role", "label", "field"];
    private static readonly string[] s_relabel = ["source_labels", "separator", "target_label", "regex", "modulus", "replacement", "action"];
    private static readonly string[] s_syslog = ["listen_address", "listen_protocol", "idle_timeout", "label_structured_data", "labels", "use_incoming_timestamp", "use_rfc5424_message", "max_message_length", "tls_config", "syslog_format"];
    private static readonly string[] s_pushApi = ["server", "labels", "use_incoming_timestamp"];
    private static readonly string[] s_journal = ["json", "max_age", "path", "matches", "labels"];
    private static readonly string[] s_decompression = ["enabled", "initial_delay", "format"];

    /// <summary>Result of loading: the config (may be partial when errors exist), warnings, errors.</summary>
    public sealed record Result(AgentConfig Config, IReadOnlyList<string> Warnings, IReadOnlyList<string> Errors);

    public static Result LoadFile(string path, bool expandEnv)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            return new Result(new AgentConfig(), [], [$"cannot read config file '{path}': {ex.Message}"]);
        }
        catch (UnauthorizedAccessException ex)
        {
            return new Result(new AgentConfig(), [], [$"cannot read config file '{path}': {ex.Message}"]);
        }

        return Load(text, expandEnv);
    }

    public static Result Load(string text, bool expandEnv)
    {
        if (expandEnv)
        {
            text = EnvExpander.Expand(text, Environment.GetEnvironmentVariable);
        }

        var config = new AgentConfig();
        var w = new YamlWalker();
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode : null;
        }
        catch (YamlException ex)
        {
            return new Result(config, [], [$"line {ex.Start.Line}, column {ex.Start.Column}: invalid YAML: {ex.InnerException?.Message ?? ex.Message}"]);
        }

        w.Map(root, string.Empty, s_top, (key, node, path) =>
        {
            switch (key)
            {
                case "server": LoadServer(w, node, path, config.Server); break;
                case "positions": LoadPositions(w, node, path, config.Positions); break;
                case "clients": w.Seq(node, path, (n, p) => config.Clients.Add(LoadClient(w, n, p))); break;
                case "client": config.Clients.Add(LoadClient(w, node, path)); break;
                case "limits_config": LoadLimits(w, node, path, config.Limits); break;
                case "target_config":
                    w.Map(node, path, s_targetConfig, (k, n, p) =>
                    {
                        if (k == "sync_period")
                        {
                            config.TargetSyncPeriod = w.Duration(n, p);
                        }
                    });
                    break;
                case "scrape_configs": w.Seq(node, path, (n, p) => config.ScrapeConfigs.Add(LoadScrape(w, n, p))); break;
                default: w.Warn(path, node, "not used by Runestone's agent, ignored"); break;
            }
        });

        var jobs = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < config.ScrapeConfigs.Count; i++)
        {
            var sc = config.ScrapeConfigs[i];
            if (sc.JobName.Length == 0)
            {
                w.Error($"scrape_configs[{i}].job_name", root!, "job_name is required");
            }
            else if (!jobs.Add(sc.JobName))
            {
                w.Error($"scrape_configs[{i}].job_name", root!, $"duplicate job_name '{sc.JobName}'");
            }
        }

        return new Result(config, w.Warnings, w.Errors);
    }

    private static void LoadServer(YamlWalker w, YamlNode node, string path, ServerConfig s) =>
        w.Map(node, path, s_server, (k, n, p) =>
        {
            switch (k)
            {
                case "http_listen_address": s.HttpListenAddress = w.Str(n, p); break;
                case "http_listen_port": s.HttpListenPort = w.Int(n, p); break;
                case "disable": s.Disable = w.Bool(n, p); break;
                case "log_level": s.LogLevel = w.Str(n, p); break;
            }
        });

    private static void LoadPositions(YamlWalker w, YamlNode node, string path, PositionsConfig s) =>
        w.Map(node, path, s_positions, (k, n, p) =>
        {
            switch (k)
            {
                case "filename": s.Filename = w.Str(n, p); break;
                case "sync_period": s.SyncPeriod = w.Duration(n, p); break;
                case "ignore_invalid_yaml": s.IgnoreInvalidYaml = w.Bool(n, p); break;
            }
        });

    private static void LoadLimits(YamlWalker w, YamlNode node, string path, LimitsConfig s) =>
        w.Map(node, path, s_limits, (k, n, p) =>
        {
            switch (k)
            {
                case "readline_rate_enabled": s.ReadlineRateEnabled = w.Bool(n, p); break;
                case "readline_rate": s.ReadlineRate = w.Double(n, p); break;
                case "readline_burst": s.ReadlineBurst = w.Int(n, p); break;
                case "readline_rate_drop": s.ReadlineRateDrop = w.Bool(n, p); break;
                case "max_streams": s.MaxStreams = w.Int(n, p); break;
                case "max_line_size": s.MaxLineSize = w.Bytes(n, p); break;
                case "max_line_size_truncate": s.MaxLineSizeTruncate = w.Bool(n, p); break;
            }
        });

    internal static TlsConfig LoadTls(YamlWalker w, YamlNode node, string path)
    {
        var t = new TlsConfig();
        w.Map(node, path, s_tls, (k, n, p) =>
        {
            switch (k)
            {
                case "ca_file": t.CaFile = w.Str(n, p); break;
                case "cert_file": t.CertFile = w.Str(n, p); break;
                case "key_file": t.KeyFile = w.Str(n, p); break;
                case "server_name": t.ServerName = w.Str(n, p); break;
                case "insecure_skip_verify": t.InsecureSkipVerify = w.Bool(n, p); break;
            }
        });
        return t;
    }

    private static ClientConfig LoadClient(YamlWalker w, YamlNode node, string path)
    {
        var c = new ClientConfig();
        w.Map(node, path, s_client, (k, n, p) =>
        {
            switch (k)
            {
                case "url": c.Url = w.Str(n, p); break;
                case "tenant_id": c.TenantId = w.Str(n, p); break;
                case "batchwait": c.BatchWait = w.Duration(n, p); break;
                case "batchsize": c.BatchSize = w.Bytes(n, p); break;
                case "timeout": c.Timeout = w.Duration(n, p); break;
                case "drop_rate_limited_batches": c.DropRateLimitedBatches = w.Bool(n, p); break;
                case "external_labels": c.ExternalLabels = w.StrMap(n, p); break;
                case "headers": c.Headers = w.StrMap(n, p); break;
                case "bearer_token": c.BearerToken = w.Str(n, p); break;
                case "bearer_token_file": c.BearerTokenFile = w.Str(n, p); break;
                case "tls_config": c.Tls = LoadTls(w, n, p); break;
                case "backoff_config":
                    w.Map(n, p, s_backoff, (bk, bn, bp) =>
                    {
                        switch (bk)
                        {
                            case "min_period": c.BackoffMin = w.Duration(bn, bp); break;
                            case "max_period": c.BackoffMax = w.Duration(bn, bp); break;
                            case "max_retries": c.MaxRetries = w.Int(bn, bp); break;
                        }
                    });
                    break;
                case "basic_auth":
                    w.Map(n, p, s_basicAuth, (bk, bn, bp) =>
                    {
                        switch (bk)
                        {
                            case "username": c.BasicAuthUsername = w.Str(bn, bp); break;
                            case "password": c.BasicAuthPassword = w.Str(bn, bp); break;
                            case "password_file": c.BasicAuthPasswordFile = w.Str(bn, bp); break;
                        }
                    });
                    break;
                default: w.Warn(p, n, "not supported by Runestone's agent, ignored"); break;
            }
        });
        if (c.Url.Length == 0)
        {
            w.Error(path + ".url", node, "url is required (e.g. http://runestone:3100/loki/api/v1/push)");
        }
        else if (!Uri.TryCreate(c.Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            w.Error(path + ".url", node, $"'{c.Url}' is not an http(s) URL");
        }

        if (c.BatchSize <= 0)
        {
            w.Error(path + ".batchsize", node, "batchsize must be positive");
        }

        return c;
    }

    private static ScrapeConfig LoadScrape(YamlWalker w, YamlNode node, string path)
    {
        var s = new ScrapeConfig();
        w.Map(node, path, s_scrape, (k, n, p) =>
        {
            switch (k)
            {
                case "job_name": s.JobName = w.Str(n, p); break;
                case "pipeline_stages":
                    s.PipelineStages = n;
                    s.PipelineStagesPath = p;
                    break;
                case "static_configs":
                    w.Seq(n, p, (sn, sp) =>
                    {
                        var st = new StaticConfig();
                        w.Map(sn, sp, s_static, (sk, skn, skp) =>
                        {
                            if (sk == "targets")
                            {
                                st.Targets.AddRange(w.StrList(skn, skp));
                            }
                            else
                            {
                                foreach (var (lk, lv) in w.StrMap(skn, skp))
                                {
                                    st.Labels[lk] = lv;
                                }
                            }
                        });
                        s.StaticConfigs.Add(st);
                    });
                    break;
                case "kubernetes_sd_configs": w.Seq(n, p, (kn, kp) => s.KubernetesSdConfigs.Add(LoadKubernetes(w, kn, kp))); break;
                case "relabel_configs": w.Seq(n, p, (rn, rp) => s.RelabelConfigs.Add(LoadRelabel(w, rn, rp))); break;
                case "syslog": s.Syslog = LoadSyslog(w, n, p); break;
                case "loki_push_api": s.LokiPushApi = LoadPushApi(w, n, p); break;
                case "decompression":
                    w.Map(n, p, s_decompression, (dk, dn, dp) =>
                    {
                        switch (dk)
                        {
                            case "enabled": s.DecompressionEnabled = w.Bool(dn, dp); break;
                            case "initial_delay": s.DecompressionInitialDelay = w.Duration(dn, dp); break;
                            case "format":
                                s.DecompressionFormat = w.Str(dn, dp);
                                if (s.DecompressionFormat is not ("gz" or "gzip"))
                                {
                                    w.Error(dp, dn, $"decompression format '{s.DecompressionFormat}' is not supported; use gz");
                                }

                                break;
                        }
                    });
                    break;
                case "journal": s.Journal = LoadJournal(w, n, p); break;
                default: w.Warn(p, n, "not supported by Runestone's agent, ignored"); break;
            }
        });

        if (s.PipelineStages is not null)
        {
            Pipeline.PipelineBuilder.Validate(w, s.PipelineStages, s.PipelineStagesPath);
        }

        return s;
    }

    private static KubernetesSdConfig LoadKubernetes(YamlWalker w, YamlNode node, string path)
    {
        var k = new KubernetesSdConfig();
        w.Map(node, path, s_k8s, (key, n, p) =>
        {
            switch (key)
            {
                case "role":
                    k.Role = w.Str(n, p);
                    if (k.Role != "pod")
                    {
                        w.Warn(p, n, $"role '{k.Role}' yields no log targets; only 'pod' is used for logs");
                    }

                    break;
                case "api_server": k.ApiServer = w.Str(n, p); break;
                case "kubeconfig_file": k.KubeconfigFile = w.Str(n, p); break;
                case "bearer_token": k.BearerToken = w.Str(n, p); break;
                case "bearer_token_file": k.BearerTokenFile = w.Str(n, p); break;
                case "tls_config": k.Tls = LoadTls(w, n, p); break;
                case "namespaces":
                    w.Map(n, p, s_k8sNamespaces, (nk, nn, np) =>
                    {
                        if (nk == "names")
                        {
                            k.Namespaces.AddRange(w.StrList(nn, np));
                        }
                        else
                        {
                            k.OwnNamespace = w.Bool(nn, np);
                        }
                    });
                    break;
                case "selectors":
                    w.Seq(n, p, (sn, sp) =>
                    {
                        string? role = null, label = null, field = null;
                        w.Map(sn, sp, s_k8sSelector, (sk, skn, skp) =>
                        {
                            switch (sk)
                            {
                                case "role": role = w.Str(skn, skp); break;
                                case "label": label = w.Str(skn, skp); break;
                                case "field": field = w.Str(skn, skp); break;
                            }
                        });
                        if (role is null or "pod")
                        {
                            k.LabelSelector = label ?? k.LabelSelector;
                            k.FieldSelector = field ?? k.FieldSelector;
                        }
                    });
                    break;
                default: w.Warn(p, n, "not supported by Runestone's agent, ignored"); break;
            }
        });
        return k;
    }

    private static RelabelConfig LoadRelabel(YamlWalker w, YamlNode node, string path)
    {
        var r = new RelabelConfig();
        w.Map(node, path, s_relabel, (k, n, p) =>
        {
            switch (k)
            {
                case "source_labels": r.SourceLabels.AddRange(w.StrList(n, p)); break;
                case "separator": r.Separator = w.Str(n, p); break;
                case "target_label": r.TargetLabel = w.Str(n, p); break;
                case "replacement": r.Replacement = w.Str(n, p); break;
                case "modulus": r.Modulus = (ulong)Math.Max(0, w.Long(n, p)); break;
                case "regex":
                    try
                    {
                        r.SetRegex(w.Str(n, p));
                    }
                    catch (ArgumentException ex)
                    {
                        w.Error(p, n, $"invalid regex: {ex.Message}");
                    }

                    break;
                case "action":
                    var text = w.Str(n, p);
                    if (RelabelConfig.TryParseAction(text, out var action))
                    {
                        r.Action = action;
                    }
                    else
                    {
                        w.Error(p, n, $"unknown relabel action '{text}'; use replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase or uppercase");
                    }

                    break;
            }
        });
        var problem = r.Validate();
        if (problem is not null)
        {
            w.Error(path, node, problem);
        }

        return r;
    }

    private static SyslogConfig LoadSyslog(YamlWalker w, YamlNode node, string path)
    {
        var s = new SyslogConfig();
        w.Map(node, path, s_syslog, (k, n, p) =>
        {
            switch (k)
            {
                case "listen_address": s.ListenAddress = w.Str(n, p); break;
                case "listen_protocol":
                    s.ListenProtocol = w.Str(n, p).ToLowerInvariant();
                    if (s.ListenProtocol is not ("tcp" or "udp"))
                    {
                        w.Error(p, n, $"listen_protocol must be tcp or udp, got '{s.ListenProtocol}'");
                    }

                    break;
                case "idle_timeout": s.IdleTimeout = w.Duration(n, p); break;
                case "label_structured_data": s.LabelStructuredData = w.Bool(n, p); break;
                case "use_incoming_timestamp": s.UseIncomingTimestamp = w.Bool(n, p); break;
                case "use_rfc5424_message": s.UseRfc5424Message = w.Bool(n, p); break;
                case "max_message_length": s.MaxMessageLength = w.Int(n, p); break;
                case "tls_config": s.Tls = LoadTls(w, n, p); break;
                case "labels":
                    foreach (var (lk, lv) in w.StrMap(n, p))
                    {
                        s.Labels[lk] = lv;
                    }

                    break;
                default: w.Warn(p, n, "not supported by Runestone's agent, ignored"); break;
            }
        });
        if (s.ListenAddress.Length == 0)
        {
            w.Error(path + ".listen_address", node, "listen_address is required (e.g. 0.0.0.0:1514)");
        }

        return s;
    }

    private static JournalConfig LoadJournal(YamlWalker w, YamlNode node, string path)
    {
        var j = new JournalConfig();
        w.Map(node, path, s_journal, (k, n, p) =>
        {
            switch (k)
            {
                case "json": j.Json = w.Bool(n, p); break;
                case "max_age": j.MaxAge = w.Duration(n, p); break;
                case "path": j.Path = w.Str(n, p); break;
                case "matches":
                    j.Matches = w.Str(n, p);
                    if (Journal.JournalReader.ValidateMatches(j.Matches) is { } problem)
                    {
                        w.Error(p, n, $"invalid journal matches: {problem} (e.g. _TRANSPORT=kernel _SYSTEMD_UNIT=ssh.service)");
                    }

                    break;
                case "labels":
                    foreach (var (lk, lv) in w.StrMap(n, p))
                    {
                        j.Labels[lk] = lv;
                    }

                    break;
            }
        });
        return j;
    }

    private static PushApiConfig LoadPushApi(YamlWalker w, YamlNode node, string path)
    {
        var s = new PushApiConfig();
        w.Map(node, path, s_pushApi, (k, n, p) =>
        {
            switch (k)
            {
                case "use_incoming_timestamp": s.UseIncomingTimestamp = w.Bool(n, p); break;
                case "labels":
                    foreach (var (lk, lv) in w.StrMap(n, p))
                    {
                        s.Labels[lk] = lv;
                    }

                    break;
                case "server":
                    w.Map(n, p, s_server, (sk, sn, sp) =>
                    {
                        switch (sk)
                        {
                            case "http_listen_address": s.ListenAddress = w.Str(sn, sp); break;
                            case "http_listen_port": s.ListenPort = w.Int(sn, sp); break;
                        }
                    });
                    break;
            }
        });
        return s;
    }
}
