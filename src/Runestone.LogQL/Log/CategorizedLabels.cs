using Runestone.Core.Labels;

namespace Runestone.LogQL.Log;

/// <summary>
/// An entry's labels split by origin, as Loki's categorize-labels encoding returns them: the
/// stream's own labels, structured metadata, and labels added by the pipeline (parsers,
/// <c>label_format</c>, <c>__error__</c>). Each array is sorted and null when empty. Instances are
/// cached per stream pipeline, so equal splits share one object.
/// </summary>
internal sealed record CategorizedLabels(LabelSet Stream, LabelPair[]? StructuredMetadata, LabelPair[]? Parsed);
