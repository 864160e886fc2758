using System.Globalization;
using Runestone.Core.Time;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runestone.Server.Configuration;

/// <summary>
/// Typed reads of YAML nodes with errors that name the file, line, column and YAML path, and the
/// collection of "not implemented" warnings. A null value (<c>key:</c>, <c>~</c>, <c>null</c>) keeps
/// the current value, so an empty section or key never changes a default.
/// </summary>
internal sealed class YamlReader(string sourceName)
{
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Warnings => _warnings;

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar
        && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>The entries of a mapping as (key, value, full path); a non-scalar key is an error.</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value, string Path)> Entries(YamlMappingNode mapping, string prefix)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                throw Error(keyNode, prefix.Length == 0 ? "(top level)" : prefix, "expected a key name");
            }

            yield return (key, keyNode, value, prefix.Length == 0 ? key : prefix + "." + key);
        }
    }

    /// <summary>A section that must be a mapping; null when the value is null (an empty section).</summary>
    public YamlMappingNode? Mapping(YamlNode node, string path)
    {
        if (IsNull(node))
        {
            return null;
        }

        return node as YamlMappingNode ?? throw Error(node, path, "expected a mapping of keys");
    }

    public void Unknown(YamlNode keyNode, string path) =>
        _warnings.Add($"config: key '{path}' (line {keyNode.Start.Line}) is not implemented by Runestone and is ignored");

    public string String(YamlNode node, string path, string current) =>
        IsNull(node) ? current : Scalar(node, path, "a string");

    public string? OptionalString(YamlNode node, string path, string? current) =>
        IsNull(node) ? current : Scalar(node, path, "a string");

    public bool Bool(YamlNode node, string path, bool current)
    {
        if (IsNull(node))
        {
            return current;
        }

        var text = Scalar(node, path, "true or false");
        return text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Error(node, path, "expected true or false"),
        };
    }

    public int Int(YamlNode node, string path, int current)
    {
        if (IsNull(node))
        {
            return current;
        }

        var text = Scalar(node, path, "an integer");
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(node, path, "expected an integer");
    }

    public long Long(YamlNode node, string path, long current)
    {
        if (IsNull(node))
        {
            return current;
        }

        var text = Scalar(node, path, "an integer");
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(node, path, "expected an integer");
    }

    public double Double(YamlNode node, string path, double current)
    {
        if (IsNull(node))
        {
            return current;
        }

        var text = Scalar(node, path, "a number");
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Error(node, path, "expected a number");
    }

    public TimeSpan Duration(YamlNode node, string path, TimeSpan current)
    {
        if (IsNull(node))
        {
            return current;
        }

        var text = Scalar(node, path, "a duration such as 30s, 5m, 2h or 7d");
        return DurationText.TryParse(text, out var value)
            ? value
            : throw Error(node, path, "expected a duration such as 30s, 5m, 2h or 7d");
    }

    public long Size(YamlNode node, string path, long current)
    {
        if (IsNull(node))
        {
            return current;
        }

        var text = Scalar(node, path, "a size such as 262144, 256KB or 3MB");
        return ByteSizeText.TryParse(text, out var value)
            ? value
            : throw Error(node, path, "expected a size such as 262144, 256KB or 3MB");
    }

    public ConfigException Error(YamlNode node, string path, string expected) =>
        new($"{sourceName}:{node.Start.Line}:{node.Start.Column}: {path}: {expected}, got {Describe(node)}");

    private string Scalar(YamlNode node, string path, string expected) =>
        node is YamlScalarNode scalar ? scalar.Value ?? string.Empty : throw Error(node, path, "expected " + expected);

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => "'" + scalar.Value + "'",
        _ => node.NodeType.ToString(),
    };
}
