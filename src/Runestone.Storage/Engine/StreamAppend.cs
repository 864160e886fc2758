using Runestone.Core.Labels;

namespace Runestone.Storage.Engine;

/// <summary>Validated entries for one stream of a push.</summary>
public sealed record StreamAppend(LabelSet Labels, IReadOnlyList<AppendEntry> Entries);
