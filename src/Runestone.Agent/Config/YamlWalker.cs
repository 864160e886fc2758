using System.Globalization;
using Runestone.Core.Time;
using YamlDotNet.RepresentationModel;

namespace Runestone.Agent.Config;

/// <summary>
/// Walks a parsed YAML tree with the path of every node, so unknown keys become warnings
/// naming their YAML path and bad values become errors naming path and line.
/// </summary>
public sealed class YamlWalker
{
    private readonly List<string> _warnings = [];
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Warnings => _warnings;

    public IReadOnlyList<string> Errors => _errors;

    public void Warn(string path, YamlNode node, string message) =>
        _warnings.Add($"{path} (line {node.Start.Line}): {message}");

    public void Error(string path, YamlNode node, string message) =>
        _errors.Add($"{path} (line {node.Start.Line}): {message}");

    /// <summary>Visits each key of a mapping; keys not in <paramref name="known"/> are warned about and skipped.</summary>
    public void Map(YamlNode? node, string path, IReadOnlyCollection<string> known, Action<string, YamlNode, string> visit)
    {
        if (node is null || IsNull(node))
        {
            return;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node, "expected a mapping");
            return;
        }

        foreach (var (keyNode, value) in map.Children)
        {
            var key = ((keyNode as YamlScalarNode)?.Value) ?? string.Empty;
            var childPath = path.Length == 0 ? key : path + "." + key;
            if (!known.Contains(key))
            {
                Warn(childPath, keyNode, "unknown field, ignored");
                continue;
            }

            visit(key, value, childPath);
        }
    }

    public void Seq(YamlNode? node, string path, Action<YamlNode, string> visit)
    {
        if (node is null || IsNull(node))
        {
            return;
        }

        if (node is not YamlSequenceNode seq)
        {
            Error(path, node, "expected a list");
            return;
        }

        var i = 0;
        foreach (var item in seq.Children)
        {
            visit(item, $"{path}[{i}]");
            i++;
        }
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode s && s.Style == YamlDotNet.Core.ScalarStyle.Plain && (s.Value is null or "" or "~" or "null");

    public string Str(YamlNode node, string path)
    {
        if (node is YamlScalarNode s)
        {
            return IsNull(node) ? string.Empty : s.Value ?? string.Empty;
        }

        Error(path, node, "expected a string");
        return string.Empty;
    }

    public string? NullableStr(YamlNode node, string path) => IsNull(node) ? null : Str(node, path);

    public int Int(YamlNode node, string path)
    {
        var text = Str(node, path);
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        Error(path, node, $"expected an integer, got '{text}'");
        return 0;
    }

    public long Long(YamlNode node, string path)
    {
        var text = Str(node, path);
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        Error(path, node, $"expected an integer, got '{text}'");
        return 0;
    }

    public double Double(YamlNode node, string path)
    {
        var text = Str(node, path);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        Error(path, node, $"expected a number, got '{text}'");
        return 0;
    }

    public bool Bool(YamlNode node, string path)
    {
        var text = Str(node, path);
        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "on": return true;
            case "false" or "no" or "off" or "": return false;
            default:
                Error(path, node, $"expected true or false, got '{text}'");
                return false;
        }
    }

    public TimeSpan Duration(YamlNode node, string path)
    {
        var text = Str(node, path);
        if (DurationText.TryParse(text, out var d))
        {
            return d;
        }

        Error(path, node, $"expected a duration like 10s, 1m30s or 500ms, got '{text}'");
        return TimeSpan.Zero;
    }

    /// <summary>Byte sizes as Promtail accepts them: a plain number, or with KB/MB/GB/KiB/MiB/GiB units.</summary>
    public long Bytes(YamlNode node, string path)
    {
        var text = Str(node, path).Trim();
        if (ByteSize.TryParse(text, out var v))
        {
            return v;
        }

        Error(path, node, $"expected a size like 1048576, 1MB or 512KiB, got '{text}'");
        return 0;
    }

    public List<string> StrList(YamlNode node, string path)
    {
        var list = new List<string>();
        if (node is YamlScalarNode && !IsNull(node))
        {
            list.Add(Str(node, path));
            return list;
        }

        Seq(node, path, (item, p) => list.Add(Str(item, p)));
        return list;
    }

    public Dictionary<string, string> StrMap(YamlNode node, string path)
    {
        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        if (IsNull(node))
        {
            return dict;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node, "expected a mapping");
            return dict;
        }

        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? string.Empty;
            dict[key] = IsNull(v) ? string.Empty : Str(v, path + "." + key);
        }

        return dict;
    }

    /// <summary>A mapping whose values may be empty (Promtail's <c>labels: {level: }</c>): a null value maps to null.</summary>
    public List<KeyValuePair<string, string?>> OptionalStrMap(YamlNode node, string path)
    {
        var list = new List<KeyValuePair<string, string?>>();
        if (IsNull(node))
        {
            return list;
        }

        if (node is not YamlMappingNode map)
        {
            Error(path, node, "expected a mapping");
            return list;
        }

        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? string.Empty;
            list.Add(new(key, IsNull(v) ? null : Str(v, path + "." + key)));
        }

        return list;
    }
}
