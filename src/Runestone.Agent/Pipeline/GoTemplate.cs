using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Runestone.Agent.Pipeline;

/// <summary>
/// A Go text/template subset for the <c>template</c> and <c>replace</c> stages: text and
/// <c>{{ }}</c> actions with trim markers, field access (<c>.Value</c>, <c>.Entry</c>, <c>.name</c>),
/// string and number literals, pipelines with <c>|</c>, parentheses, <c>if</c>/<c>else if</c>/<c>else</c>/<c>end</c>,
/// Go's builtins (eq ne lt le gt ge and or not len print printf) and Promtail's functions
/// (ToLower ToUpper Replace Trim TrimLeft TrimRight TrimPrefix TrimSuffix TrimSpace Hash Sha2Hash
/// regexReplaceAll regexReplaceAllLiteral) plus common sprig ones (default contains hasPrefix hasSuffix lower upper trim).
/// </summary>
public sealed class GoTemplate
{
    private readonly List<Node> _nodes;

    private GoTemplate(List<Node> nodes) => _nodes = nodes;

    public static GoTemplate Parse(string text)
    {
        var parser = new TemplateParser(text);
        var nodes = parser.ParseList(out var end);
        if (end is not null)
        {
            throw new ArgumentException($"template: unexpected {{{{{end}}}}}");
        }

        return new GoTemplate(nodes);
    }

    public string Execute(IReadOnlyDictionary<string, object?> data)
    {
        var sb = new StringBuilder();
        Run(_nodes, data, sb);
        return sb.ToString();
    }

    private static void Run(List<Node> nodes, IReadOnlyDictionary<string, object?> data, StringBuilder sb)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode t:
                    sb.Append(t.Text);
                    break;
                case ActionNode a:
                    sb.Append(ToText(Eval(a.Pipeline, data)));
                    break;
                case IfNode i:
                    Run(Truthy(Eval(i.Condition, data)) ? i.Then : i.Else, data, sb);
                    break;
            }
        }
    }

    private static object? Eval(List<Command> pipeline, IReadOnlyDictionary<string, object?> data)
    {
        object? result = null;
        var first = true;
        foreach (var cmd in pipeline)
        {
            var args = new List<object?>();
            for (var i = 1; i < cmd.Words.Count; i++)
            {
                args.Add(EvalWord(cmd.Words[i], data));
            }

            if (!first)
            {
                args.Add(result);
            }

            var head = cmd.Words[0];
            if (head.Kind == WordKind.Ident)
            {
                result = Call(head.Text, args);
            }
            else
            {
                if (args.Count > 0)
                {
                    throw new InvalidOperationException($"template: can't give arguments to non-function {head.Text}");
                }

                result = EvalWord(head, data);
            }

            first = false;
        }

        return result;
    }

    private static object? EvalWord(Word w, IReadOnlyDictionary<string, object?> data) => w.Kind switch
    {
        WordKind.Field => w.Text.Length == 0 ? data : (data.TryGetValue(w.Text, out var v) ? v : null),
        WordKind.String => w.Text,
        WordKind.Number => double.Parse(w.Text, CultureInfo.InvariantCulture),
        WordKind.Bool => w.Text == "true",
        WordKind.Nil => null,
        WordKind.Sub => Eval(w.Sub!, data),
        _ => Call(w.Text, []),
    };

    private static object? Call(string name, List<object?> a)
    {
        string S(int i) => i < a.Count ? ToText(a[i]) : string.Empty;
        switch (name)
        {
            case "ToLower" or "lower": return S(0).ToLowerInvariant();
            case "ToUpper" or "upper": return S(0).ToUpperInvariant();
            case "TrimSpace" or "trim": return S(0).Trim();
            case "Trim": return S(0).Trim(S(1).ToCharArray());
            case "TrimLeft": return S(0).TrimStart(S(1).ToCharArray());
            case "TrimRight": return S(0).TrimEnd(S(1).ToCharArray());
            case "TrimPrefix": return S(0).StartsWith(S(1), StringComparison.Ordinal) ? S(0)[S(1).Length..] : S(0);
            case "TrimSuffix": return S(0).EndsWith(S(1), StringComparison.Ordinal) ? S(0)[..^S(1).Length] : S(0);
            case "Replace":
            {
                var n = a.Count > 3 ? (int)ToNumber(a[3]) : -1;
                return ReplaceN(S(0), S(1), S(2), n);
            }

            case "replace": return S(2).Replace(S(0), S(1), StringComparison.Ordinal);
            case "regexReplaceAll": return Relabeling.GoRegex.Compile(S(0), false).Replace(S(1), m => Relabeling.GoRegex.Expand(S(2), m));
            case "regexReplaceAllLiteral": return Relabeling.GoRegex.Compile(S(0), false).Replace(S(1), S(2).Replace("$", "$$", StringComparison.Ordinal));
            case "Hash": return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(S(0) + S(1))));
            case "Sha2Hash": return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(S(1) + S(0))));
            case "contains": return S(1).Contains(S(0), StringComparison.Ordinal);
            case "hasPrefix": return S(1).StartsWith(S(0), StringComparison.Ordinal);
            case "hasSuffix": return S(1).EndsWith(S(0), StringComparison.Ordinal);
            case "default": return a.Count > 1 && Truthy(a[1]) ? a[1] : a.Count > 0 ? a[0] : null;
            case "len": return (double)S(0).Length;
            case "not": return !Truthy(a.Count > 0 ? a[0] : null);
            case "and":
                foreach (var x in a) { if (!Truthy(x)) { return x; } }
                return a.Count > 0 ? a[^1] : null;
            case "or":
                foreach (var x in a) { if (Truthy(x)) { return x; } }
                return a.Count > 0 ? a[^1] : null;
            case "eq":
                for (var i = 1; i < a.Count; i++) { if (Compare(a[0], a[i]) == 0) { return true; } }
                return false;
            case "ne": return Compare(a[0], a.Count > 1 ? a[1] : null) != 0;
            case "lt": return Compare(a[0], a[1]) < 0;
            case "le": return Compare(a[0], a[1]) <= 0;
            case "gt": return Compare(a[0], a[1]) > 0;
            case "ge": return Compare(a[0], a[1]) >= 0;
            case "print": return string.Concat(a.Select(ToText));
            case "printf": return Printf(S(0), a.Skip(1).ToList());
            default: throw new InvalidOperationException($"template: function \"{name}\" not defined");
        }
    }

    private static string ReplaceN(string s, string oldValue, string newValue, int n)
    {
        if (n < 0 || oldValue.Length == 0)
        {
            return oldValue.Length == 0 ? s : s.Replace(oldValue, newValue, StringComparison.Ordinal);
        }

        var sb = new StringBuilder();
        var pos = 0;
        for (var i = 0; i < n; i++)
        {
            var at = s.IndexOf(oldValue, pos, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            sb.Append(s, pos, at - pos).Append(newValue);
            pos = at + oldValue.Length;
        }

        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    private static string Printf(string format, List<object?> args)
    {
        var sb = new StringBuilder();
        var ai = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }

            var verb = format[++i];
            if (verb == '%')
            {
                sb.Append('%');
                continue;
            }

            var arg = ai < args.Count ? args[ai++] : null;
            sb.Append(verb switch
            {
                'q' => "\"" + ToText(arg).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
                'd' => ((long)ToNumber(arg)).ToString(CultureInfo.InvariantCulture),
                _ => ToText(arg),
            });
        }

        return sb.ToString();
    }

    private static int Compare(object? x, object? y)
    {
        if (x is double or bool || y is double)
        {
            if (x is bool bx && y is bool by)
            {
                return bx.CompareTo(by);
            }

            return ToNumber(x).CompareTo(ToNumber(y));
        }

        return string.CompareOrdinal(ToText(x), ToText(y));
    }

    private static double ToNumber(object? v) => v switch
    {
        double d => d,
        bool b => b ? 1 : 0,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => 0,
    };

    private static bool Truthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        double d => d != 0,
        _ => true,
    };

    /// <summary>Go's %v of a value (a missing map key prints as &lt;no value&gt; in Go; Promtail's data always has the key or prints empty).</summary>
    public static string ToText(object? v) => v switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => v.ToString() ?? string.Empty,
    };

    private abstract record Node;

    private sealed record TextNode(string Text) : Node;

    private sealed record ActionNode(List<Command> Pipeline) : Node;

    private sealed record IfNode(List<Command> Condition, List<Node> Then, List<Node> Else) : Node;

    private sealed record Command(List<Word> Words);

    private enum WordKind
    {
        Field,
        Ident,
        String,
        Number,
        Bool,
        Nil,
        Sub,
    }

    private sealed record Word(WordKind Kind, string Text, List<Command>? Sub = null);

    private sealed class TemplateParser(string text)
    {
        private int _pos;

        public List<Node> ParseList(out string? end)
        {
            var nodes = new List<Node>();
            while (_pos < text.Length)
            {
                var open = text.IndexOf("{{", _pos, StringComparison.Ordinal);
                if (open < 0)
                {
                    nodes.Add(new TextNode(text[_pos..]));
                    _pos = text.Length;
                    break;
                }

                var literal = text[_pos..open];
                var inner = open + 2;
                if (inner + 1 < text.Length && text[inner] == '-' && text[inner + 1] == ' ')
                {
                    literal = literal.TrimEnd();
                    inner += 2;
                }

                if (literal.Length > 0)
                {
                    nodes.Add(new TextNode(literal));
                }

                var close = FindClose(inner);
                var body = text[inner..close].Trim();
                var next = close + 2;
                if (body.EndsWith(" -", StringComparison.Ordinal) || body == "-")
                {
                    body = body[..^1].Trim();
                    while (next < text.Length && char.IsWhiteSpace(text[next]))
                    {
                        next++;
                    }
                }

                _pos = next;
                if (body.StartsWith("/*", StringComparison.Ordinal))
                {
                    continue;
                }

                var words = Tokenize(body);
                if (words.Count > 0 && words[0] is "end" or "else")
                {
                    end = body;
                    return nodes;
                }

                if (words.Count > 0 && words[0] == "if")
                {
                    nodes.Add(ParseIf(body[2..].Trim()));
                    continue;
                }

                nodes.Add(new ActionNode(ParsePipeline(words)));
            }

            end = null;
            return nodes;
        }

        private IfNode ParseIf(string condition)
        {
            var cond = ParsePipeline(Tokenize(condition));
            var then = ParseList(out var end);
            if (end is null)
            {
                throw new ArgumentException("template: unexpected EOF, missing {{end}}");
            }

            var otherwise = new List<Node>();
            if (end.StartsWith("else", StringComparison.Ordinal))
            {
                var rest = end[4..].Trim();
                if (rest.StartsWith("if ", StringComparison.Ordinal))
                {
                    otherwise.Add(ParseIf(rest[3..].Trim()));
                    return new IfNode(cond, then, otherwise);
                }

                otherwise = ParseList(out var end2);
                if (end2 != "end")
                {
                    throw new ArgumentException("template: missing {{end}} after {{else}}");
                }
            }

            return new IfNode(cond, then, otherwise);
        }

        private int FindClose(int from)
        {
            var inString = '\0';
            for (var i = from; i < text.Length - 1; i++)
            {
                var c = text[i];
                if (inString != '\0')
                {
                    if (c == '\\' && inString == '"')
                    {
                        i++;
                    }
                    else if (c == inString)
                    {
                        inString = '\0';
                    }
                }
                else if (c is '"' or '`')
                {
                    inString = c;
                }
                else if (c == '}' && text[i + 1] == '}')
                {
                    return i;
                }
            }

            throw new ArgumentException("template: unclosed action (missing }})");
        }

        private static List<string> Tokenize(string body)
        {
            var tokens = new List<string>();
            var i = 0;
            while (i < body.Length)
            {
                var c = body[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c is '|' or '(' or ')')
                {
                    tokens.Add(c.ToString());
                    i++;
                }
                else if (c is '"' or '`')
                {
                    var j = i + 1;
                    while (j < body.Length && body[j] != c)
                    {
                        if (body[j] == '\\' && c == '"')
                        {
                            j++;
                        }

                        j++;
                    }

                    tokens.Add(body[i..Math.Min(j + 1, body.Length)]);
                    i = j + 1;
                }
                else
                {
                    var j = i;
                    while (j < body.Length && !char.IsWhiteSpace(body[j]) && body[j] is not ('|' or '(' or ')'))
                    {
                        j++;
                    }

                    tokens.Add(body[i..j]);
                    i = j;
                }
            }

            return tokens;
        }

        private static List<Command> ParsePipeline(List<string> tokens)
        {
            var pos = 0;
            var result = ParsePipeline(tokens, ref pos);
            if (pos != tokens.Count)
            {
                throw new ArgumentException($"template: unexpected '{tokens[pos]}'");
            }

            return result;
        }

        private static List<Command> ParsePipeline(List<string> tokens, ref int pos)
        {
            var commands = new List<Command>();
            var words = new List<Word>();
            while (pos < tokens.Count && tokens[pos] != ")")
            {
                var t = tokens[pos++];
                if (t == "|")
                {
                    if (words.Count == 0)
                    {
                        throw new ArgumentException("template: missing command before '|'");
                    }

                    commands.Add(new Command(words));
                    words = [];
                    continue;
                }

                if (t == "(")
                {
                    var sub = ParsePipeline(tokens, ref pos);
                    if (pos >= tokens.Count || tokens[pos] != ")")
                    {
                        throw new ArgumentException("template: unclosed '('");
                    }

                    pos++;
                    words.Add(new Word(WordKind.Sub, "(...)", sub));
                    continue;
                }

                words.Add(ToWord(t));
            }

            if (words.Count == 0)
            {
                throw new ArgumentException("template: empty command");
            }

            commands.Add(new Command(words));
            return commands;
        }

        private static Word ToWord(string t)
        {
            if (t[0] == '.')
            {
                return new Word(WordKind.Field, t[1..]);
            }

            if (t[0] == '"')
            {
                return new Word(WordKind.String, Regex.Unescape(t[1..^1]));
            }

            if (t[0] == '`')
            {
                return new Word(WordKind.String, t[1..^1]);
            }

            if (t is "true" or "false")
            {
                return new Word(WordKind.Bool, t);
            }

            if (t == "nil")
            {
                return new Word(WordKind.Nil, t);
            }

            if (char.IsAsciiDigit(t[0]) || (t[0] == '-' && t.Length > 1))
            {
                return new Word(WordKind.Number, t);
            }

            return new Word(WordKind.Ident, t);
        }
    }
}
