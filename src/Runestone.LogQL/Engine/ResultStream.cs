using Runestone.Core.Labels;

namespace Runestone.LogQL.Engine;

/// <summary>
/// One stream of a log query result. <see cref="Labels"/> are the labels after the pipeline:
/// stream labels, structured metadata and extracted labels merged, as Loki returns them by default;
/// when the query categorizes labels, only the stream's own labels (the rest is on each entry).
/// </summary>
public sealed record ResultStream(LabelSet Labels, IReadOnlyList<ResultEntry> Entries);
