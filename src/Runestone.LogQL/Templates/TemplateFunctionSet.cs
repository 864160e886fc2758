namespace Runestone.LogQL.Templates;

/// <summary>
/// Which functions a template may call: checked when it is parsed, as Go checks a template's
/// FuncMap. All functions live in one implementation; a set only chooses names from it.
/// </summary>
public sealed class TemplateFunctionSet
{
    private static readonly string[] s_goBuiltins =
    [
        "and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery", "slice",
    ];

    /// <summary>The Sprig functions we implement; Loki's line_format and Promtail's template stage both expose them.</summary>
    private static readonly string[] s_sprig =
    [
        "lower", "upper", "title", "trunc", "substr", "contains", "hasPrefix", "hasSuffix", "indent", "nindent", "replace", "repeat",
        "trim", "trimAll", "trimPrefix", "trimSuffix", "default", "b64enc", "b64dec", "regexReplaceAll", "regexReplaceAllLiteral",
        "date", "now", "toDate", "unixEpoch", "fromJson",
        "add", "addf", "sub", "subf", "mul", "mulf", "div", "divf", "mod", "ceil", "floor", "round", "max", "maxf", "min", "minf", "int", "float64",
    ];

    /// <summary>Go's strings functions: Promtail's template stage and Loki's first template release both have them.</summary>
    private static readonly string[] s_goStrings =
    [
        "ToLower", "ToUpper", "Replace", "Trim", "TrimLeft", "TrimRight", "TrimPrefix", "TrimSuffix", "TrimSpace",
    ];

    private static readonly string[] s_lokiOnly =
    [
        "__line__", "__timestamp__", "duration", "duration_seconds", "bytes", "unixEpochMillis", "unixEpochNanos", "unixToTime",
        "alignLeft", "alignRight", "count", "toDateInZone", "urlencode", "urldecode",
    ];

    /// <summary>Promtail's template stage: salted SHA3-256 and SHA-256 hashes (stages/template.md).</summary>
    private static readonly string[] s_promtailOnly = ["Hash", "Sha2Hash"];

    private readonly HashSet<string> _names;

    private TemplateFunctionSet(params string[][] groups)
    {
        _names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            _names.UnionWith(group);
        }
    }

    /// <summary>LogQL's <c>line_format</c> and <c>label_format</c>.</summary>
    public static TemplateFunctionSet Loki { get; } = new(s_goBuiltins, s_sprig, s_goStrings, s_lokiOnly);

    /// <summary>Promtail's <c>template</c> and <c>replace</c> stages.</summary>
    public static TemplateFunctionSet Promtail { get; } = new(s_goBuiltins, s_sprig, s_goStrings, s_promtailOnly);

    public bool Contains(string name) => _names.Contains(name);
}
