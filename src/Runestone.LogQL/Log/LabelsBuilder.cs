using System.Runtime.InteropServices;
using Runestone.Core.Labels;

namespace Runestone.LogQL.Log;

/// <summary>
/// The labels of the entry a pipeline is working on: the stream's labels, the entry's
/// structured metadata, labels added or changed by stages, deletions and <c>__error__</c>.
/// One instance per stream pipeline, reset for every entry; builds a <see cref="LabelSet"/>
/// only when something differs from the stream's labels, and reuses equal sets it built before.
/// </summary>
internal sealed class LabelsBuilder
{
    public const string ErrorLabel = "__error__";
    public const string ErrorDetailsLabel = "__error_details__";

    private readonly List<LabelPair> _metadata = [];
    private readonly List<LabelPair> _added = [];
    private readonly List<string> _deleted = [];
    private readonly List<LabelPair> _scratch = [];
    private readonly Dictionary<int, LabelSet> _cache = [];
    private readonly Dictionary<int, CategorizedLabels> _categorizedCache = [];
    private readonly List<LabelPair> _streamPart = [];
    private readonly List<LabelPair> _metadataPart = [];
    private readonly List<LabelPair> _parsedPart = [];
    private LabelPair[] _sorted = new LabelPair[16];
    private CategorizedLabels? _unchanged;
    private IReadOnlyList<string>? _groupedBaseNames;
    private LabelSet? _groupedBase;

    public LabelsBuilder(LabelSet baseLabels) => Base = baseLabels;

    public LabelSet Base { get; }

    public string? Error { get; private set; }

    public string? ErrorDetails { get; private set; }

    public bool HasError => Error is not null;

    /// <summary>True when nothing differs from the stream's labels.</summary>
    public bool IsUnchanged => _metadata.Count == 0 && _added.Count == 0 && _deleted.Count == 0 && Error is null;

    public void Reset(ReadOnlySpan<LabelPair> metadata)
    {
        _metadata.Clear();
        _added.Clear();
        _deleted.Clear();
        Error = null;
        ErrorDetails = null;
        foreach (var pair in metadata)
        {
            _metadata.Add(pair);
        }
    }

    public void SetError(string error, string? details)
    {
        // The first error wins, as in Loki.
        if (Error is null)
        {
            Error = error;
            ErrorDetails = details;
        }
    }

    public void ClearError()
    {
        Error = null;
        ErrorDetails = null;
    }

    /// <summary>True when the stream labels or the structured metadata have this name (parsers then add "_extracted").</summary>
    public bool BaseHas(string name)
    {
        if (Base.Get(name) is not null)
        {
            return true;
        }

        foreach (var pair in _metadata)
        {
            if (pair.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    public bool TryGet(string name, out string value)
    {
        if (name == ErrorLabel && Error is not null)
        {
            value = Error;
            return true;
        }

        if (name == ErrorDetailsLabel && ErrorDetails is not null)
        {
            value = ErrorDetails;
            return true;
        }

        for (var i = _added.Count - 1; i >= 0; i--)
        {
            if (_added[i].Name == name)
            {
                value = _added[i].Value;
                return true;
            }
        }

        if (_deleted.Count > 0 && _deleted.Contains(name))
        {
            value = string.Empty;
            return false;
        }

        for (var i = _metadata.Count - 1; i >= 0; i--)
        {
            if (_metadata[i].Name == name)
            {
                value = _metadata[i].Value;
                return true;
            }
        }

        var v = Base.Get(name);
        value = v ?? string.Empty;
        return v is not null;
    }

    /// <summary>The value, or the empty string when the label is absent (how matchers see a missing label).</summary>
    public string GetOrEmpty(string name) => TryGet(name, out var v) ? v : string.Empty;

    public bool Has(string name) => TryGet(name, out _);

    public void Set(string name, string value)
    {
        if (name == ErrorLabel)
        {
            Error = value;
            return;
        }

        if (name == ErrorDetailsLabel)
        {
            ErrorDetails = value;
            return;
        }

        for (var i = 0; i < _added.Count; i++)
        {
            if (_added[i].Name == name)
            {
                _added[i] = new LabelPair(name, value);
                return;
            }
        }

        _deleted.Remove(name);
        _added.Add(new LabelPair(name, value));
    }

    public void Delete(string name)
    {
        if (name == ErrorLabel)
        {
            Error = null;
            return;
        }

        if (name == ErrorDetailsLabel)
        {
            ErrorDetails = null;
            return;
        }

        for (var i = _added.Count - 1; i >= 0; i--)
        {
            if (_added[i].Name == name)
            {
                _added.RemoveAt(i);
            }
        }

        if (!_deleted.Contains(name))
        {
            _deleted.Add(name);
        }
    }

    /// <summary>Every label currently visible, in no particular order (for keep/drop and templates).</summary>
    public List<LabelPair> Snapshot()
    {
        // Added labels are unique by construction; base and metadata pairs are kept unless
        // deleted or overridden by a later layer.
        _scratch.Clear();
        foreach (var pair in Base.Pairs)
        {
            if (!IsDeleted(pair.Name) && !InMetadataAfter(pair.Name, -1) && !InAdded(pair.Name))
            {
                _scratch.Add(pair);
            }
        }

        for (var i = 0; i < _metadata.Count; i++)
        {
            var pair = _metadata[i];
            if (!IsDeleted(pair.Name) && !InAdded(pair.Name) && !InMetadataAfter(pair.Name, i))
            {
                _scratch.Add(pair);
            }
        }

        _scratch.AddRange(_added);
        if (Error is not null)
        {
            _scratch.Add(new LabelPair(ErrorLabel, Error));
        }

        if (ErrorDetails is not null)
        {
            _scratch.Add(new LabelPair(ErrorDetailsLabel, ErrorDetails));
        }

        return _scratch;
    }

    private bool IsDeleted(string name) => _deleted.Count > 0 && _deleted.Contains(name);

    private bool InAdded(string name)
    {
        foreach (var pair in _added)
        {
            if (pair.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    private bool InMetadataAfter(string name, int index)
    {
        for (var i = index + 1; i < _metadata.Count; i++)
        {
            if (_metadata[i].Name == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The final label set of the entry; equal sets built before are reused without allocating.</summary>
    public LabelSet Labels()
    {
        if (IsUnchanged)
        {
            return Base;
        }

        var pairs = Snapshot();
        return Intern(CollectionsMarshal.AsSpan(pairs), keepAll: true, names: null, without: false);
    }

    /// <summary>
    /// The final labels split by origin (Loki's <c>LabelsResult</c> categories): a label a stage
    /// set is parsed, even when it replaced a stream label or metadata; <c>__error__</c> and
    /// <c>__error_details__</c> are parsed; otherwise metadata beats stream. Equal splits built
    /// before are reused, so steady state allocates nothing.
    /// </summary>
    public CategorizedLabels Categorized()
    {
        if (IsUnchanged)
        {
            return _unchanged ??= new CategorizedLabels(Base, null, null);
        }

        var pairs = Snapshot();
        var sorted = Sort(CollectionsMarshal.AsSpan(pairs), keepAll: true, names: null, without: false);
        _streamPart.Clear();
        _metadataPart.Clear();
        _parsedPart.Clear();
        var hash = new HashCode();
        foreach (var pair in sorted)
        {
            var part = pair.Name is ErrorLabel or ErrorDetailsLabel || InAdded(pair.Name) ? _parsedPart
                : InMetadataAfter(pair.Name, -1) ? _metadataPart
                : _streamPart;
            part.Add(pair);
            hash.Add(pair.Name);
            hash.Add(pair.Value);
            hash.Add(part == _parsedPart ? 2 : part == _metadataPart ? 1 : 0);
        }

        var key = hash.ToHashCode();
        if (_categorizedCache.TryGetValue(key, out var cached)
            && cached.Stream.Pairs.SequenceEqual(CollectionsMarshal.AsSpan(_streamPart))
            && SameParts(cached.StructuredMetadata, _metadataPart)
            && SameParts(cached.Parsed, _parsedPart))
        {
            return cached;
        }

        var stream = Base.Pairs.SequenceEqual(CollectionsMarshal.AsSpan(_streamPart)) ? Base : LabelSet.FromSorted([.. _streamPart]);
        var created = new CategorizedLabels(
            stream,
            _metadataPart.Count == 0 ? null : [.. _metadataPart],
            _parsedPart.Count == 0 ? null : [.. _parsedPart]);
        if (_categorizedCache.Count >= 4096)
        {
            _categorizedCache.Clear();
        }

        _categorizedCache[key] = created;
        return created;
    }

    private static bool SameParts(LabelPair[]? cached, List<LabelPair> current) =>
        cached is null ? current.Count == 0 : cached.AsSpan().SequenceEqual(CollectionsMarshal.AsSpan(current));

    /// <summary>The label set reduced to <paramref name="names"/> (by) or without them, for grouped aggregations.</summary>
    public LabelSet Grouped(IReadOnlyList<string> names, bool without)
    {
        // by (...) over labels the pipeline left alone (typically stream labels) gives the same
        // set for every entry of the stream: computed once instead of per line.
        if (!without && _metadata.Count == 0 && FromBaseOnly(names))
        {
            if (!ReferenceEquals(_groupedBaseNames, names))
            {
                _groupedBase = Intern(Base.Pairs, keepAll: false, names, without: false);
                _groupedBaseNames = names;
            }

            return _groupedBase!;
        }

        var pairs = IsUnchanged ? null : Snapshot();
        var span = pairs is null ? Base.Pairs : CollectionsMarshal.AsSpan(pairs);
        return Intern(span, keepAll: false, names, without);
    }

    private LabelSet Intern(ReadOnlySpan<LabelPair> pairs, bool keepAll, IReadOnlyList<string>? names, bool without)
    {
        var sorted = Sort(pairs, keepAll, names, without);
        var hash = new HashCode();
        foreach (var pair in sorted)
        {
            hash.Add(pair.Name);
            hash.Add(pair.Value);
        }

        var key = hash.ToHashCode();
        if (_cache.TryGetValue(key, out var cached) && cached.Pairs.SequenceEqual(sorted))
        {
            return cached;
        }

        var created = LabelSet.FromSorted(sorted.ToArray());
        if (_cache.Count >= 4096)
        {
            _cache.Clear();
        }

        _cache[key] = created;
        return created;
    }

    /// <summary>The pairs (all, or those selected by by/without) sorted by name into a reused buffer.</summary>
    private ReadOnlySpan<LabelPair> Sort(ReadOnlySpan<LabelPair> pairs, bool keepAll, IReadOnlyList<string>? names, bool without)
    {
        if (_sorted.Length < pairs.Length)
        {
            _sorted = new LabelPair[Math.Max(16, pairs.Length * 2)];
        }

        var n = 0;
        foreach (var pair in pairs)
        {
            if (!keepAll && Listed(names!, pair.Name) == without)
            {
                continue;
            }

            // Insertion sort: label sets are small and mostly sorted already.
            var i = n++;
            while (i > 0 && string.CompareOrdinal(_sorted[i - 1].Name, pair.Name) > 0)
            {
                _sorted[i] = _sorted[i - 1];
                i--;
            }

            _sorted[i] = pair;
        }

        return _sorted.AsSpan(0, n);
    }

    private bool FromBaseOnly(IReadOnlyList<string> names)
    {
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (name is ErrorLabel or ErrorDetailsLabel || InAdded(name) || IsDeleted(name))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Listed(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return true;
            }
        }

        return false;
    }
}
