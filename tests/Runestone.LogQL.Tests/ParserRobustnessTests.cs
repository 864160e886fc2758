namespace Runestone.LogQL.Tests;

/// <summary>
/// A small fuzz pass over the parser: every prefix of real queries, and seeded random edits of
/// them, must either parse or fail with a <see cref="ParseException"/>, never another exception.
/// </summary>
public class ParserRobustnessTests
{
    private static readonly string[] s_seeds =
    [
        "sum by (host) (rate({job=\"mysql\"} |= \"error\" != \"timeout\" | json | duration > 10s [1m]))",
        "quantile_over_time(0.99, {a=\"b\"} | logfmt | unwrap duration(latency) | __error__=\"\" [1m]) by (path)",
        "{a=\"b\"} | pattern `<ip> - <_>` | line_format \"{{ if eq .ip \\\"x\\\" }}{{ .ip | upper }}{{ else }}-{{ end }}\" | label_format x=y, z=\"{{.a}}\"",
        "topk(3, sum(rate({a=~\"b|c\"} |~ \"(?i)err\" or \"x\" [5m])) by (a)) / on (a) group_left (b) count_over_time({a=\"b\"}[5m] offset 1h) > bool 2",
        "label_replace(vector(1), \"a\", \"$1\", \"b\", \"(.*)\") or absent_over_time({a=\"b\"} | drop c, d=\"e\" | keep f [1m])",
        "{a=\"b\"} |= \"\\u00e9\\x41\\101\\U0001F600\" | line_format \"{{ printf \\\"%s\\x41\\\" .a }}\"",
        "{a=\"b\"} |= ip(\"10.0.0.0/8\") | logfmt --strict --keep-empty x, y=\"z\" | json a=\"b[0].c\" | addr != ip(\"::1\") and (size > 1KiB or d <= 5ms)",
    ];

    private static void ParseOrParseError(string query)
    {
        try
        {
            LogQLParser.Parse(query);
        }
        catch (ParseException)
        {
        }
    }

    [Fact]
    public void Every_prefix_parses_or_fails_cleanly()
    {
        foreach (var seed in s_seeds)
        {
            for (var i = 0; i <= seed.Length; i++)
            {
                ParseOrParseError(seed[..i]);
            }
        }
    }

    [Fact]
    public void Random_edits_parse_or_fail_cleanly()
    {
        var random = new Random(12345);
        const string alphabet = "{}()[]|=!~<>\"`,.$-+*/%^ \\\n#0123456789abyofnsxdmhKBi_uUD8F";
        for (var n = 0; n < 20_000; n++)
        {
            var chars = s_seeds[random.Next(s_seeds.Length)].ToCharArray().ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }

            ParseOrParseError(new string([.. chars]));
        }
    }
}
