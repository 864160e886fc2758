using Runestone.LogQL.Log;

namespace Runestone.LogQL.Templates;

/// <summary>What a template sees: the entry's labels (as <c>.name</c>), its line and timestamp.</summary>
internal sealed class TemplateContext
{
    public LabelsBuilder? Labels { get; set; }

    public string Line { get; set; } = string.Empty;

    public long TimestampNs { get; set; }
}
