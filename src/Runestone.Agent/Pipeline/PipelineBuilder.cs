using Runestone.Agent.Config;
using Runestone.Agent.Pipeline.Stages;
using Runestone.Agent.Relabeling;
using Runestone.LogQL;
using Runestone.LogQL.Templates;
using YamlDotNet.RepresentationModel;

namespace Runestone.Agent.Pipeline;

/// <summary>Builds stages from Promtail's <c>pipeline_stages</c> YAML (a list of one-key mappings).</summary>
public static class PipelineBuilder
{
    private static readonly string[] s_cri = ["max_partial_lines", "max_partial_line_size", "max_partial_line_size_truncate"];
    private static readonly string[] s_regex = ["expression", "source"];
    private static readonly string[] s_json = ["expressions", "source", "drop_malformed"];
    private static readonly string[] s_logfmt = ["mapping", "source"];
    private static readonly string[] s_replace = ["expression", "source", "replace"];
    private static readonly string[] s_template = ["source", "template"];
    private static readonly string[] s_values = ["values"];
    private static readonly string[] s_timestamp = ["source", "format", "fallback_formats", "location", "action_on_failure"];
    private static readonly string[] s_output = ["source"];
    private static readonly string[] s_match = ["selector", "pipeline_name", "action", "drop_counter_reason", "stages"];
    private static readonly string[] s_drop = ["source", "separator", "expression", "value", "older_than", "longer_than", "drop_counter_reason"];
    private static readonly string[] s_multiline = ["firstline", "max_wait_time", "max_lines"];
    private static readonly string[] s_tenant = ["label", "source", "value"];
    private static readonly string[] s_limit = ["rate", "burst", "drop", "by_label_name", "max_distinct_labels"];
    private static readonly string[] s_pack = ["labels", "ingest_timestamp"];
    private static readonly string[] s_metric = ["type", "description", "source", "prefix", "max_idle_duration", "config"];
    private static readonly string[] s_metricConfig = ["value", "action", "match_all", "count_entry_bytes", "buckets"];
    private static readonly string[] s_empty = [];

    /// <summary>Checks a pipeline config, adding errors with paths and lines to <paramref name="walker"/>.</summary>
    public static void Validate(YamlWalker walker, YamlNode node, string path) =>
        BuildStages(walker, node, path, new StageContext());

    /// <summary>Builds the stages; throws <see cref="InvalidOperationException"/> listing the problems when the config is invalid.</summary>
    public static List<Stage> Build(YamlNode? node, string path, StageContext context)
    {
        var walker = new YamlWalker();
        var stages = node is null ? [] : BuildStages(walker, node, path, context);
        if (walker.Errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join("; ", walker.Errors));
        }

        return stages;
    }

    /// <summary>Builds from YAML text (tests and tools).</summary>
    public static List<Stage> BuildFromYaml(string yaml, StageContext context)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Build(stream.Documents[0].RootNode, "pipeline_stages", context);
    }

    internal static List<Stage> BuildStages(YamlWalker w, YamlNode node, string path, StageContext ctx)
    {
        var stages = new List<Stage>();
        w.Seq(node, path, (item, itemPath) =>
        {
            if (item is not YamlMappingNode map || map.Children.Count != 1)
            {
                w.Error(itemPath, item, "each stage is a mapping with exactly one key, the stage type (e.g. '- regex: {expression: ...}')");
                return;
            }

            var (keyNode, cfg) = map.Children.First();
            var type = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            var p = itemPath + "." + type;
            try
            {
                var stage = BuildOne(w, type, cfg, p, ctx);
                if (stage is not null)
                {
                    stages.Add(stage);
                }
            }
            catch (ArgumentException ex)
            {
                w.Error(p, cfg, ex.Message);
            }
            catch (ParseException ex)
            {
                w.Error(p, cfg, ex.Message);
            }
            catch (TemplateException ex)
            {
                w.Error(p, cfg, ex.Message);
            }
        });
        return stages;
    }

    private static Stage? BuildOne(YamlWalker w, string type, YamlNode cfg, string p, StageContext ctx)
    {
        var v = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        string[] known = type switch
        {
            "cri" => s_cri,
            "regex" => s_regex,
            "json" => s_json,
            "logfmt" => s_logfmt,
            "replace" => s_replace,
            "template" => s_template,
            "labelallow" or "labeldrop" => s_values,
            "timestamp" => s_timestamp,
            "output" => s_output,
            "match" => s_match,
            "drop" => s_drop,
            "multiline" => s_multiline,
            "tenant" => s_tenant,
            "limit" => s_limit,
            "pack" => s_pack,
            _ => s_empty,
        };

        if (type is not ("labels" or "static_labels" or "structured_metadata" or "metrics" or "labelallow" or "labeldrop") && known.Length > 0)
        {
            w.Map(cfg, p, known, (k, n, _) => v[k] = n);
        }

        string? Str(string key) => v.TryGetValue(key, out var n) ? w.NullableStr(n, p + "." + key) : null;
        string Req(string key)
        {
            var s = Str(key);
            if (string.IsNullOrEmpty(s))
            {
                throw new ArgumentException($"'{key}' is required");
            }

            return s;
        }

        bool Bool(string key, bool dflt) => v.TryGetValue(key, out var n) ? w.Bool(n, p + "." + key) : dflt;

        switch (type)
        {
            case "cri":
                return new CriStage(
                    v.TryGetValue("max_partial_lines", out var mpl) ? w.Int(mpl, p + ".max_partial_lines") : 100,
                    v.TryGetValue("max_partial_line_size", out var mps) ? w.Bytes(mps, p + ".max_partial_line_size") : 0,
                    Bool("max_partial_line_size_truncate", false));
            case "docker":
                return new DockerStage();
            case "regex":
                return new RegexStage(Req("expression"), Str("source"));
            case "json":
                if (!v.TryGetValue("expressions", out var exprs))
                {
                    throw new ArgumentException("'expressions' is required");
                }

                return new JsonStage(w.OptionalStrMap(exprs, p + ".expressions"), Str("source"), Bool("drop_malformed", false), ctx);
            case "logfmt":
                if (!v.TryGetValue("mapping", out var mapping))
                {
                    throw new ArgumentException("'mapping' is required");
                }

                return new LogfmtStage(w.OptionalStrMap(mapping, p + ".mapping"), Str("source"));
            case "replace":
                return new ReplaceStage(Req("expression"), Str("source"), StageTemplate.Parse(Str("replace") ?? string.Empty));
            case "template":
                return new TemplateStage(Req("source"), StageTemplate.Parse(Str("template") ?? string.Empty));
            case "labels":
                return new LabelsStage(CheckNames(w.OptionalStrMap(cfg, p)));
            case "structured_metadata":
                return new StructuredMetadataStage(CheckNames(w.OptionalStrMap(cfg, p)));
            case "static_labels":
                return new StaticLabelsStage(CheckNames(w.OptionalStrMap(cfg, p)));
            case "labelallow":
            case "labeldrop":
            {
                var values = new List<string>();
                w.Map(cfg, p, s_values, (_, n, np) => values.AddRange(w.StrList(n, np)));
                if (values.Count == 0)
                {
                    throw new ArgumentException("'values' must list at least one label");
                }

                return type == "labelallow" ? new LabelAllowStage(values) : new LabelDropStage(values);
            }

            case "timestamp":
            {
                var format = GoTimeFormat.Create(Req("format"));
                var fallbacks = v.TryGetValue("fallback_formats", out var ff) ? w.StrList(ff, p + ".fallback_formats").Select(GoTimeFormat.Create).ToList() : [];
                TimeZoneInfo? location = null;
                var loc = Str("location");
                if (!string.IsNullOrEmpty(loc))
                {
                    try
                    {
                        location = TimeZoneInfo.FindSystemTimeZoneById(loc);
                    }
                    catch (TimeZoneNotFoundException)
                    {
                        throw new ArgumentException($"unknown location '{loc}' (use an IANA name like Europe/Berlin)");
                    }
                }

                var onFailure = Str("action_on_failure") ?? "fudge";
                if (onFailure is not ("fudge" or "skip"))
                {
                    throw new ArgumentException($"action_on_failure must be fudge or skip, got '{onFailure}'");
                }

                return new TimestampStage(Req("source"), format, fallbacks, location, onFailure == "fudge", ctx);
            }

            case "output":
                return new OutputStage(Req("source"));
            case "match":
            {
                var selector = Req("selector");
                var expr = LogQLParser.Parse(selector);
                if (expr is not Runestone.LogQL.Syntax.LogSelectorExpr logExpr || !logExpr.IsFilterOnly)
                {
                    throw new ArgumentException($"selector '{selector}' must be a stream selector with optional line filters");
                }

                var action = Str("action") ?? "keep";
                if (action is not ("keep" or "drop"))
                {
                    throw new ArgumentException($"action must be keep or drop, got '{action}'");
                }

                List<Stage>? nested = null;
                if (v.TryGetValue("stages", out var stagesNode))
                {
                    nested = BuildStages(w, stagesNode, p + ".stages", ctx);
                }

                if (action == "keep" && (nested is null || nested.Count == 0))
                {
                    throw new ArgumentException("match with action keep needs 'stages'");
                }

                return new MatchStage(logExpr.Matchers, logExpr.PushdownFilter, nested, action == "drop", Str("drop_counter_reason") ?? "match_stage", ctx);
            }

            case "drop":
            {
                var sources = v.TryGetValue("source", out var sn) ? w.StrList(sn, p + ".source") : [];
                var expression = Str("expression");
                var value = Str("value");
                if (expression is not null && value is not null)
                {
                    throw new ArgumentException("'expression' and 'value' cannot both be set");
                }

                TimeSpan? older = v.TryGetValue("older_than", out var on) ? w.Duration(on, p + ".older_than") : null;
                long? longer = v.TryGetValue("longer_than", out var ln) ? w.Bytes(ln, p + ".longer_than") : null;
                if (sources.Count == 0 && expression is null && older is null && longer is null)
                {
                    throw new ArgumentException("drop needs at least one of source, expression, older_than or longer_than");
                }

                return new DropStage(sources, Str("separator") ?? ";", expression is null ? null : GoRegex.Compile(expression, false), value, older, longer, Str("drop_counter_reason") ?? "drop_stage", ctx);
            }

            case "multiline":
                return new MultilineStage(
                    GoRegex.Compile(Req("firstline"), false),
                    v.TryGetValue("max_wait_time", out var mw) ? w.Duration(mw, p + ".max_wait_time") : TimeSpan.FromSeconds(3),
                    v.TryGetValue("max_lines", out var ml) ? w.Int(ml, p + ".max_lines") : 128,
                    ctx.Clock);
            case "tenant":
            {
                var set = new[] { Str("label"), Str("source"), Str("value") }.Count(s => !string.IsNullOrEmpty(s));
                if (set != 1)
                {
                    throw new ArgumentException("tenant needs exactly one of label, source or value");
                }

                return new TenantStage(Str("source"), Str("value"), Str("label"));
            }

            case "limit":
            {
                var rate = v.TryGetValue("rate", out var rn) ? w.Double(rn, p + ".rate") : 0;
                var burst = v.TryGetValue("burst", out var bn) ? w.Int(bn, p + ".burst") : 0;
                if (rate <= 0 || burst <= 0)
                {
                    throw new ArgumentException("limit needs a positive 'rate' and 'burst'");
                }

                return new LimitStage(rate, burst, Bool("drop", false), Str("by_label_name"),
                    v.TryGetValue("max_distinct_labels", out var md) ? w.Int(md, p + ".max_distinct_labels") : 10000, ctx);
            }

            case "pack":
            {
                var labels = v.TryGetValue("labels", out var ln2) ? w.StrList(ln2, p + ".labels") : [];
                return new PackStage(labels, Bool("ingest_timestamp", true));
            }

            case "decolorize":
                return new DecolorizeStage();
            case "metrics":
                return BuildMetrics(w, cfg, p, ctx);
            case "geoip":
                throw new ArgumentException("the geoip stage is not supported: Runestone ships no GeoIP database; remove the stage or enrich upstream");
            case "sampling" or "eventlogmessage" or "luhn" or "static_metadata":
                throw new ArgumentException($"stage '{type}' is not supported by Runestone's agent");
            default:
                throw new ArgumentException($"unknown stage type '{type}'");
        }
    }

    private static List<KeyValuePair<string, string?>> CheckNames(List<KeyValuePair<string, string?>> map)
    {
        foreach (var (name, _) in map)
        {
            if (!Runestone.Core.Labels.LabelText.IsValidName(name))
            {
                throw new ArgumentException($"invalid label name '{name}': names must match [a-zA-Z_][a-zA-Z0-9_]*");
            }
        }

        return map;
    }

    private static MetricsStage BuildMetrics(YamlWalker w, YamlNode cfg, string p, StageContext ctx)
    {
        var defs = new List<MetricsStage.Definition>();
        if (cfg is not YamlMappingNode map)
        {
            throw new ArgumentException("metrics is a mapping of metric name to its definition");
        }

        foreach (var (k, node) in map.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? string.Empty;
            var mp = p + "." + name;
            string type = string.Empty, description = string.Empty, prefix = "promtail_custom_";
            string? source = null, value = null, action = null;
            bool matchAll = false, countBytes = false;
            TimeSpan? maxIdle = TimeSpan.FromMinutes(5);
            double[]? buckets = null;
            w.Map(node, mp, s_metric, (mk, mn, mpp) =>
            {
                switch (mk)
                {
                    case "type": type = w.Str(mn, mpp).ToLowerInvariant(); break;
                    case "description": description = w.Str(mn, mpp); break;
                    case "source": source = w.Str(mn, mpp); break;
                    case "prefix": prefix = w.Str(mn, mpp); break;
                    case "max_idle_duration": maxIdle = w.Duration(mn, mpp); break;
                    case "config":
                        w.Map(mn, mpp, s_metricConfig, (ck, cn, cp) =>
                        {
                            switch (ck)
                            {
                                case "value": value = w.Str(cn, cp); break;
                                case "action": action = w.Str(cn, cp).ToLowerInvariant(); break;
                                case "match_all": matchAll = w.Bool(cn, cp); break;
                                case "count_entry_bytes": countBytes = w.Bool(cn, cp); break;
                                case "buckets":
                                    var list = new List<double>();
                                    w.Seq(cn, cp, (bn, bp) => list.Add(w.Double(bn, bp)));
                                    buckets = [.. list];
                                    break;
                            }
                        });
                        break;
                }
            });

            var kind = type switch
            {
                "counter" => CustomMetrics.Kind.Counter,
                "gauge" => CustomMetrics.Kind.Gauge,
                "histogram" => CustomMetrics.Kind.Histogram,
                _ => throw new ArgumentException($"metric '{name}': type must be Counter, Gauge or Histogram, got '{type}'"),
            };
            if (kind == CustomMetrics.Kind.Counter && (action ?? "inc") is not ("inc" or "add"))
            {
                throw new ArgumentException($"metric '{name}': counter action must be inc or add");
            }

            if (kind == CustomMetrics.Kind.Gauge && action is not ("set" or "inc" or "dec" or "add" or "sub"))
            {
                throw new ArgumentException($"metric '{name}': gauge action must be set, inc, dec, add or sub");
            }

            if (countBytes && !matchAll)
            {
                throw new ArgumentException($"metric '{name}': count_entry_bytes needs match_all: true");
            }

            var full = prefix + name;
            ctx.Metrics.Define(full, kind, description.Length == 0 ? name : description, buckets, maxIdle);
            defs.Add(new MetricsStage.Definition(full, kind, source ?? name, value, action ?? "inc", matchAll, countBytes));
        }

        return new MetricsStage(defs, ctx);
    }
}
