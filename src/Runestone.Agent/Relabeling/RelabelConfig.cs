using System.Text.RegularExpressions;

namespace Runestone.Agent.Relabeling;

/// <summary>One <c>relabel_configs</c> entry with Prometheus' defaults.</summary>
public sealed class RelabelConfig
{
    public List<string> SourceLabels { get; } = [];

    public string Separator { get; set; } = ";";

    public string TargetLabel { get; set; } = string.Empty;

    /// <summary>The pattern as written; <see cref="Regex"/> is its fully anchored compilation.</summary>
    public string RegexText { get; private set; } = "(.*)";

    public Regex Regex { get; private set; } = GoRegex.Compile("(.*)", anchored: true);

    public ulong Modulus { get; set; }

    public string Replacement { get; set; } = "$1";

    public RelabelAction Action { get; set; } = RelabelAction.Replace;

    public void SetRegex(string pattern)
    {
        Regex = GoRegex.Compile(pattern, anchored: true);
        RegexText = pattern;
    }

    /// <summary>Returns a reason when the combination is invalid, as Prometheus validates it.</summary>
    public string? Validate()
    {
        switch (Action)
        {
            case RelabelAction.Replace or RelabelAction.Lowercase or RelabelAction.Uppercase or RelabelAction.HashMod
                when string.IsNullOrEmpty(TargetLabel):
                return $"relabel action '{ActionName(Action)}' requires 'target_label'";
            case RelabelAction.KeepEqual or RelabelAction.DropEqual when string.IsNullOrEmpty(TargetLabel):
                return $"relabel action '{ActionName(Action)}' requires 'target_label'";
            case RelabelAction.HashMod when Modulus == 0:
                return "relabel action 'hashmod' requires a non-zero 'modulus'";
            case RelabelAction.LabelDrop or RelabelAction.LabelKeep when SourceLabels.Count > 0 || TargetLabel.Length > 0:
                return $"relabel action '{ActionName(Action)}' takes only 'regex' (no source_labels or target_label)";
            default:
                return null;
        }
    }

    public static string ActionName(RelabelAction action) => action.ToString().ToLowerInvariant();

    public static bool TryParseAction(string text, out RelabelAction action)
    {
        foreach (var value in Enum.GetValues<RelabelAction>())
        {
            if (string.Equals(ActionName(value), text, StringComparison.OrdinalIgnoreCase))
            {
                action = value;
                return true;
            }
        }

        action = RelabelAction.Replace;
        return false;
    }
}
