using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Runestone.LogQL.Log;

/// <summary><c>| regexp "(?P&lt;name&gt;...)"</c>: each named group that matched becomes a label.</summary>
internal sealed class RegexpStage(Regex regex, (int Group, string Name)[] groups) : Stage
{
    private readonly ExtractedLabels _extracted = new();

    /// <summary>Compiles once per query; returns a factory of per-stream stages sharing the regex.</summary>
    public static Func<Stage> Compile(string expression)
    {
        var regex = new Regex(Syntax.RegexSyntax.ToDotNet(expression), RegexOptions.CultureInvariant | RegexOptions.Compiled);
        var groups = new List<(int, string)>();
        foreach (var name in regex.GetGroupNames())
        {
            if (!int.TryParse(name, out _))
            {
                groups.Add((regex.GroupNumberFromName(name), LabelNames.Sanitize(name)));
            }
        }

        var shared = groups.ToArray();
        return () => new RegexpStage(regex, shared);
    }

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        _extracted.Begin();
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(16, line.Length));
        try
        {
            var n = Encoding.UTF8.GetChars(line, chars);
            var text = new string(chars, 0, n);
            var match = regex.Match(text);
            if (!match.Success)
            {
                return true;
            }

            foreach (var (group, name) in groups)
            {
                var g = match.Groups[group];
                if (g.Success)
                {
                    _extracted.Add(labels, name, g.Value);
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        return true;
    }
}
