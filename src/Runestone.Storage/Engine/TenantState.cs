using System.Collections.Concurrent;
using Runestone.Core.Labels;
using MatchType = Runestone.Core.Labels.MatchType;

namespace Runestone.Storage.Engine;

/// <summary>One tenant's streams and its in-memory postings (label pair → streams).</summary>
internal sealed class TenantState(string tenant)
{
    private readonly Lock _postingsLock = new();
    private readonly Dictionary<string, Dictionary<string, List<StreamState>>> _postings = new(StringComparer.Ordinal);

    public string Tenant { get; } = tenant;

    public ConcurrentDictionary<ulong, StreamState> Streams { get; } = new();

    public int MemoryStreams;

    public StreamState GetOrAdd(LabelSet labels, out bool created)
    {
        if (Streams.TryGetValue(labels.Fingerprint, out var existing))
        {
            created = false;
            return existing;
        }

        var stream = new StreamState(Tenant, labels);
        if (!Streams.TryAdd(labels.Fingerprint, stream))
        {
            created = false;
            return Streams[labels.Fingerprint];
        }

        lock (_postingsLock)
        {
            foreach (var pair in labels.Pairs)
            {
                if (!_postings.TryGetValue(pair.Name, out var values))
                {
                    values = new Dictionary<string, List<StreamState>>(StringComparer.Ordinal);
                    _postings[pair.Name] = values;
                }

                if (!values.TryGetValue(pair.Value, out var list))
                {
                    list = [];
                    values[pair.Value] = list;
                }

                list.Add(stream);
            }
        }

        created = true;
        return stream;
    }

    /// <summary>Streams whose labels satisfy every matcher (equality matchers narrow through postings).</summary>
    public List<StreamState> Match(IReadOnlyList<LabelMatcher> matchers)
    {
        List<StreamState>? candidates = null;
        lock (_postingsLock)
        {
            foreach (var matcher in matchers)
            {
                if (matcher.Type != MatchType.Equal || matcher.Value.Length == 0)
                {
                    continue;
                }

                if (!_postings.TryGetValue(matcher.Name, out var values) || !values.TryGetValue(matcher.Value, out var list))
                {
                    return [];
                }

                if (candidates is null || list.Count < candidates.Count)
                {
                    candidates = [.. list];
                }
            }
        }

        candidates ??= [.. Streams.Values];
        var result = new List<StreamState>(candidates.Count);
        foreach (var stream in candidates)
        {
            var ok = true;
            foreach (var matcher in matchers)
            {
                if (!matcher.Matches(stream.Labels))
                {
                    ok = false;
                    break;
                }
            }

            if (ok)
            {
                result.Add(stream);
            }
        }

        return result;
    }
}
