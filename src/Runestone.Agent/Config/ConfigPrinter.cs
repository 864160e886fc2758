using System.Globalization;
using System.Text;
using Runestone.Agent.Relabeling;
using Runestone.Core.Time;
using YamlDotNet.RepresentationModel;

namespace Runestone.Agent.Config;

/// <summary>Prints the effective configuration (defaults filled in, secrets masked) as Promtail-shaped YAML.</summary>
public static class ConfigPrinter
{
    public static string Print(AgentConfig c)
    {
        var sb = new StringBuilder();
        sb.Append("server:\n");
        Kv(sb, 1, "http_listen_address", c.Server.HttpListenAddress);
        Kv(sb, 1, "http_listen_port", c.Server.HttpListenPort);
        Kv(sb, 1, "log_level", c.Server.LogLevel);
        sb.Append("positions:\n");
        Kv(sb, 1, "filename", c.Positions.Filename);
        Kv(sb, 1, "sync_period", DurationText.Format(c.Positions.SyncPeriod));
        Kv(sb, 1, "ignore_invalid_yaml", c.Positions.IgnoreInvalidYaml);
        sb.Append("clients:\n");
        foreach (var cl in c.Clients)
        {
            sb.Append("  - url: ").Append(Q(cl.Url)).Append('\n');
            Kv(sb, 2, "tenant_id", cl.TenantId);
            Kv(sb, 2, "batchwait", DurationText.Format(cl.BatchWait));
            Kv(sb, 2, "batchsize", cl.BatchSize);
            Kv(sb, 2, "timeout", DurationText.Format(cl.Timeout));
            sb.Append("    backoff_config:\n");
            Kv(sb, 3, "min_period", DurationText.Format(cl.BackoffMin));
            Kv(sb, 3, "max_period", DurationText.Format(cl.BackoffMax));
            Kv(sb, 3, "max_retries", cl.MaxRetries);
            Kv(sb, 2, "drop_rate_limited_batches", cl.DropRateLimitedBatches);
            if (cl.BasicAuthUsername is not null)
            {
                sb.Append("    basic_auth:\n");
                Kv(sb, 3, "username", cl.BasicAuthUsername);
                Kv(sb, 3, "password", cl.BasicAuthPassword is null ? string.Empty : "<secret>");
            }

            if (cl.BearerToken is not null)
            {
                Kv(sb, 2, "bearer_token", "<secret>");
            }

            Map(sb, 2, "external_labels", cl.ExternalLabels);
            Map(sb, 2, "headers", cl.Headers);
        }

        sb.Append("limits_config:\n");
        Kv(sb, 1, "readline_rate_enabled", c.Limits.ReadlineRateEnabled);
        Kv(sb, 1, "readline_rate", c.Limits.ReadlineRate);
        Kv(sb, 1, "readline_burst", c.Limits.ReadlineBurst);
        Kv(sb, 1, "readline_rate_drop", c.Limits.ReadlineRateDrop);
        Kv(sb, 1, "max_line_size", c.Limits.MaxLineSize);
        Kv(sb, 1, "max_line_size_truncate", c.Limits.MaxLineSizeTruncate);
        sb.Append("target_config:\n");
        Kv(sb, 1, "sync_period", DurationText.Format(c.TargetSyncPeriod));
        sb.Append("scrape_configs:\n");
        foreach (var s in c.ScrapeConfigs)
        {
            sb.Append("  - job_name: ").Append(Q(s.JobName)).Append('\n');
            if (s.PipelineStages is not null)
            {
                sb.Append("    pipeline_stages:\n");
                var serializer = new YamlStream(new YamlDocument(s.PipelineStages));
                using var w = new StringWriter(CultureInfo.InvariantCulture);
                serializer.Save(w, assignAnchors: false);
                foreach (var line in w.ToString().Split('\n'))
                {
                    if (line.Length > 0 && line != "..." && line != "---")
                    {
                        sb.Append("      ").Append(line).Append('\n');
                    }
                }
            }

            foreach (var st in s.StaticConfigs)
            {
                sb.Append("    static_configs:\n      - targets: [").Append(string.Join(", ", st.Targets.Select(Q))).Append("]\n");
                Map(sb, 4, "labels", st.Labels);
            }

            foreach (var k in s.KubernetesSdConfigs)
            {
                sb.Append("    kubernetes_sd_configs:\n      - role: ").Append(k.Role).Append('\n');
                if (k.Namespaces.Count > 0)
                {
                    sb.Append("        namespaces:\n          names: [").Append(string.Join(", ", k.Namespaces.Select(Q))).Append("]\n");
                }
            }

            if (s.RelabelConfigs.Count > 0)
            {
                sb.Append("    relabel_configs:\n");
                foreach (var r in s.RelabelConfigs)
                {
                    sb.Append("      - action: ").Append(RelabelConfig.ActionName(r.Action)).Append('\n');
                    if (r.SourceLabels.Count > 0)
                    {
                        sb.Append("        source_labels: [").Append(string.Join(", ", r.SourceLabels.Select(Q))).Append("]\n");
                    }

                    Kv(sb, 4, "separator", r.Separator);
                    Kv(sb, 4, "regex", r.RegexText);
                    if (r.TargetLabel.Length > 0)
                    {
                        Kv(sb, 4, "target_label", r.TargetLabel);
                    }

                    Kv(sb, 4, "replacement", r.Replacement);
                    if (r.Modulus > 0)
                    {
                        Kv(sb, 4, "modulus", (long)r.Modulus);
                    }
                }
            }

            if (s.Syslog is { } sy)
            {
                sb.Append("    syslog:\n");
                Kv(sb, 3, "listen_address", sy.ListenAddress);
                Kv(sb, 3, "listen_protocol", sy.ListenProtocol);
                Kv(sb, 3, "idle_timeout", DurationText.Format(sy.IdleTimeout));
                Kv(sb, 3, "label_structured_data", sy.LabelStructuredData);
                Kv(sb, 3, "use_incoming_timestamp", sy.UseIncomingTimestamp);
                Map(sb, 3, "labels", sy.Labels);
            }

            if (s.LokiPushApi is { } pa)
            {
                sb.Append("    loki_push_api:\n      server:\n");
                Kv(sb, 4, "http_listen_address", pa.ListenAddress);
                Kv(sb, 4, "http_listen_port", pa.ListenPort);
                Kv(sb, 3, "use_incoming_timestamp", pa.UseIncomingTimestamp);
                Map(sb, 3, "labels", pa.Labels);
            }

            if (s.Journal is { } j)
            {
                sb.Append("    journal:\n");
                Kv(sb, 3, "json", j.Json);
                Kv(sb, 3, "max_age", DurationText.Format(j.MaxAge));
                Kv(sb, 3, "path", j.Path);
                Kv(sb, 3, "matches", j.Matches);
                Map(sb, 3, "labels", j.Labels);
            }
        }

        return sb.ToString();
    }

    private static void Kv(StringBuilder sb, int indent, string key, object value)
    {
        sb.Append(' ', indent * 2).Append(key).Append(": ");
        sb.Append(value switch
        {
            string s => Q(s),
            bool b => b ? "true" : "false",
            double d => d.ToString(CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        });
        sb.Append('\n');
    }

    private static void Map(StringBuilder sb, int indent, string key, IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0)
        {
            return;
        }

        sb.Append(' ', indent * 2).Append(key).Append(":\n");
        foreach (var (k, v) in map.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            Kv(sb, indent + 1, k, v);
        }
    }

    private static string Q(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
