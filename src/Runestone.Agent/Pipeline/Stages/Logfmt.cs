using System.Text;

namespace Runestone.Agent.Pipeline.Stages;

/// <summary>A logfmt reader (go-logfmt rules: bare keys, quoted values with escapes).</summary>
public static class Logfmt
{
    public static List<KeyValuePair<string, string>> Parse(string line)
    {
        var result = new List<KeyValuePair<string, string>>();
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] <= ' ')
            {
                i++;
            }

            var start = i;
            while (i < line.Length && line[i] > ' ' && line[i] != '=' && line[i] != '"')
            {
                i++;
            }

            if (i == start)
            {
                i++;
                continue;
            }

            var key = line[start..i];
            if (i >= line.Length || line[i] != '=')
            {
                result.Add(new(key, string.Empty));
                continue;
            }

            i++;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                var sb = new StringBuilder();
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        sb.Append(line[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => line[i] });
                    }
                    else
                    {
                        sb.Append(line[i]);
                    }

                    i++;
                }

                i++;
                result.Add(new(key, sb.ToString()));
            }
            else
            {
                var vs = i;
                while (i < line.Length && line[i] > ' ')
                {
                    i++;
                }

                result.Add(new(key, line[vs..i]));
            }
        }

        return result;
    }
}
