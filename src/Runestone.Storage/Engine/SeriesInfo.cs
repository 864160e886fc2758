using Runestone.Core.Labels;

namespace Runestone.Storage.Engine;

/// <summary>A stream as the series and labels APIs see it.</summary>
public sealed record SeriesInfo(LabelSet Labels);
