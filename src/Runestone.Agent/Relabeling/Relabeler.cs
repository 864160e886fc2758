using System.Security.Cryptography;
using System.Text;
using Runestone.Core.Labels;

namespace Runestone.Agent.Relabeling;

/// <summary>Applies relabel configs in order with Prometheus' semantics.</summary>
public static class Relabeler
{
    /// <summary>
    /// Relabels <paramref name="labels"/> in place; returns false when the target is dropped.
    /// </summary>
    public static bool Apply(IReadOnlyList<RelabelConfig> configs, Dictionary<string, string> labels)
    {
        foreach (var cfg in configs)
        {
            if (!ApplyOne(cfg, labels))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ApplyOne(RelabelConfig cfg, Dictionary<string, string> labels)
    {
        var value = Concat(cfg, labels);
        switch (cfg.Action)
        {
            case RelabelAction.Drop:
                return !cfg.Regex.IsMatch(value);
            case RelabelAction.Keep:
                return cfg.Regex.IsMatch(value);
            case RelabelAction.DropEqual:
                return value != Get(labels, cfg.TargetLabel);
            case RelabelAction.KeepEqual:
                return value == Get(labels, cfg.TargetLabel);
            case RelabelAction.Replace:
            {
                var match = cfg.Regex.Match(value);
                if (!match.Success)
                {
                    break;
                }

                var target = GoRegex.Expand(cfg.TargetLabel, match);
                if (!LabelText.IsValidName(target))
                {
                    break;
                }

                var result = GoRegex.Expand(cfg.Replacement, match);
                if (result.Length == 0)
                {
                    labels.Remove(target);
                }
                else
                {
                    labels[target] = result;
                }

                break;
            }

            case RelabelAction.Lowercase:
                Set(labels, cfg.TargetLabel, value.ToLowerInvariant());
                break;
            case RelabelAction.Uppercase:
                Set(labels, cfg.TargetLabel, value.ToUpperInvariant());
                break;
            case RelabelAction.HashMod:
            {
                // Prometheus' hashmod is defined on MD5; it is a distribution function here, not security.
#pragma warning disable CA5351
                var hash = MD5.HashData(Encoding.UTF8.GetBytes(value));
#pragma warning restore CA5351
                ulong sum = 0;
                for (var i = 8; i < 16; i++)
                {
                    sum = (sum << 8) | hash[i];
                }

                labels[cfg.TargetLabel] = (sum % cfg.Modulus).ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            }

            case RelabelAction.LabelMap:
                foreach (var (name, v) in labels.ToArray())
                {
                    var match = cfg.Regex.Match(name);
                    if (match.Success)
                    {
                        labels[GoRegex.Expand(cfg.Replacement, match)] = v;
                    }
                }

                break;
            case RelabelAction.LabelDrop:
                foreach (var name in labels.Keys.ToArray())
                {
                    if (cfg.Regex.IsMatch(name))
                    {
                        labels.Remove(name);
                    }
                }

                break;
            case RelabelAction.LabelKeep:
                foreach (var name in labels.Keys.ToArray())
                {
                    if (!cfg.Regex.IsMatch(name))
                    {
                        labels.Remove(name);
                    }
                }

                break;
        }

        return true;
    }

    private static void Set(Dictionary<string, string> labels, string name, string value)
    {
        if (value.Length == 0)
        {
            labels.Remove(name);
        }
        else
        {
            labels[name] = value;
        }
    }

    private static string Get(Dictionary<string, string> labels, string name) =>
        labels.TryGetValue(name, out var v) ? v : string.Empty;

    private static string Concat(RelabelConfig cfg, Dictionary<string, string> labels)
    {
        if (cfg.SourceLabels.Count == 0)
        {
            return string.Empty;
        }

        if (cfg.SourceLabels.Count == 1)
        {
            return Get(labels, cfg.SourceLabels[0]);
        }

        var sb = new StringBuilder();
        for (var i = 0; i < cfg.SourceLabels.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(cfg.Separator);
            }

            sb.Append(Get(labels, cfg.SourceLabels[i]));
        }

        return sb.ToString();
    }
}
