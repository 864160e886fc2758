using System.Text;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary><c>decolorize</c>: strips ANSI color escape sequences from the line.</summary>
public sealed class DecolorizeStage : Stage
{
    public override string Name => "decolorize";

    protected override bool Apply(PipelineEntry entry)
    {
        entry.Line = Strip(entry.Line);
        return true;
    }

    public static string Strip(string line)
    {
        var esc = line.IndexOf('\u001b', StringComparison.Ordinal);
        if (esc < 0)
        {
            return line;
        }

        var sb = new StringBuilder(line.Length);
        sb.Append(line, 0, esc);
        var i = esc;
        while (i < line.Length)
        {
            if (line[i] == '\u001b' && i + 1 < line.Length && line[i + 1] == '[')
            {
                var j = i + 2;
                while (j < line.Length && (char.IsAsciiDigit(line[j]) || line[j] == ';'))
                {
                    j++;
                }

                if (j < line.Length && char.IsAsciiLetter(line[j]))
                {
                    i = j + 1;
                    continue;
                }
            }

            sb.Append(line[i]);
            i++;
        }

        return sb.ToString();
    }
}
