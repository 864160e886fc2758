using Runestone.LogQL.Log;

namespace Runestone.LogQL.Templates;

/// <summary>
/// What a template sees for one entry. LogQL sets <see cref="Labels"/> (read as <c>.name</c>),
/// <see cref="Line"/> and <see cref="TimestampNs"/>; other callers set <see cref="Data"/> instead.
/// Reuse one context per single-threaded caller: it keeps the evaluator's scratch state.
/// </summary>
public sealed class TemplateContext
{
    private LabelsTemplateData? _labelsData;

    internal LabelsBuilder? Labels { get; set; }

    /// <summary>The line for <c>__line__</c>.</summary>
    public string Line { get; set; } = string.Empty;

    /// <summary>The timestamp for <c>__timestamp__</c>.</summary>
    public long TimestampNs { get; set; }

    /// <summary>The dot, when it is not the entry's labels.</summary>
    public ITemplateData? Data { get; set; }

    internal TemplateRunner? Runner { get; set; }

    internal ITemplateData Dot => Data ?? (_labelsData ??= new LabelsTemplateData(this));

    /// <summary>Labels read as a Go <c>map[string]string</c> with <c>missingkey=zero</c>: an absent label is "".</summary>
    private sealed class LabelsTemplateData(TemplateContext context) : ITemplateData
    {
        public bool TryGetField(string name, out object? value)
        {
            value = context.Labels?.GetOrEmpty(name) ?? string.Empty;
            return true;
        }

        public Dictionary<string, object?> ToMap()
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (context.Labels is { } labels)
            {
                foreach (var pair in labels.Snapshot())
                {
                    map[pair.Name] = pair.Value;
                }
            }

            return map;
        }
    }
}
