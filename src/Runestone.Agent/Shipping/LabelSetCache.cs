using Runestone.Core.Labels;

namespace Runestone.Agent.Shipping;

/// <summary>
/// Reuses the final <see cref="LabelSet"/> of a stream: most entries of a target carry one of a few
/// label sets, and building one (sort + fingerprint) per line would dominate the cost of shipping.
/// Not thread-safe: one per reader.
/// </summary>
public sealed class LabelSetCache
{
    private readonly Dictionary<int, (LabelSet Labels, string Tenant)[]> _byHash = [];

    /// <summary>The shippable label set of <paramref name="labels"/> (reserved and empty labels removed) and its tenant.</summary>
    public LabelSet Get(Dictionary<string, string> labels, out string tenant)
    {
        var hash = 0;
        var count = 0;
        tenant = string.Empty;
        foreach (var (k, v) in labels)
        {
            if (k == Pipeline.PipelineEntry.TenantLabel)
            {
                tenant = v;
                hash ^= HashCode.Combine(k, v);
                continue;
            }

            if (v.Length == 0 || k.StartsWith("__", StringComparison.Ordinal))
            {
                continue;
            }

            // Order-independent: dictionaries enumerate in insertion order, which differs between entries.
            hash += HashCode.Combine(k, v);
            count++;
        }

        if (_byHash.TryGetValue(hash, out var candidates))
        {
            foreach (var (set, t) in candidates)
            {
                if (set.Count == count && t == tenant && Matches(set, labels))
                {
                    return set;
                }
            }
        }

        var pairs = new List<LabelPair>(count);
        foreach (var (k, v) in labels)
        {
            if (v.Length > 0 && !k.StartsWith("__", StringComparison.Ordinal))
            {
                pairs.Add(new LabelPair(k, v));
            }
        }

        var built = LabelSet.FromList(pairs);
        if (_byHash.Count < 4096)
        {
            _byHash[hash] = candidates is null ? [(built, tenant)] : [.. candidates, (built, tenant)];
        }

        return built;
    }

    private static bool Matches(LabelSet set, Dictionary<string, string> labels)
    {
        foreach (var pair in set.Pairs)
        {
            if (!labels.TryGetValue(pair.Name, out var v) || v != pair.Value)
            {
                return false;
            }
        }

        return true;
    }
}
