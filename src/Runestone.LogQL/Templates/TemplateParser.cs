using System.Globalization;
using System.Text;

namespace Runestone.LogQL.Templates;

/// <summary>
/// Parses the subset of Go's text/template that LogQL uses: text, <c>{{pipeline}}</c> with
/// <c>{{-</c>/<c>-}}</c> trimming, comments, variables, <c>if</c>/<c>else if</c>/<c>else</c>,
/// <c>range</c> (with <c>$i, $v :=</c>), <c>with</c>, <c>break</c>/<c>continue</c>, and pipelines of
/// functions, fields, literals and parenthesised pipelines.
/// </summary>
internal sealed class TemplateParser
{
    private readonly string _text;
    private int _pos;
    private List<string> _tokens = [];
    private int _t;

    private TemplateParser(string text) => _text = text;

    public static List<TemplateNode> Parse(string text)
    {
        var parser = new TemplateParser(text);
        var nodes = parser.ParseList(out var terminator);
        if (terminator is not null)
        {
            throw new TemplateException($"template: unexpected {{{{{terminator}}}}}");
        }

        return nodes;
    }

    /// <summary>Parses nodes until end of text or an {{end}}/{{else...}} action, returned in <paramref name="terminator"/>.</summary>
    private List<TemplateNode> ParseList(out string? terminator)
    {
        var nodes = new List<TemplateNode>();
        while (true)
        {
            var open = _text.IndexOf("{{", _pos, StringComparison.Ordinal);
            if (open < 0)
            {
                AddText(nodes, _text[_pos..]);
                _pos = _text.Length;
                terminator = null;
                return nodes;
            }

            var text = _text[_pos..open];
            var actionStart = open + 2;
            if (actionStart + 1 < _text.Length && _text[actionStart] == '-' && char.IsWhiteSpace(_text[actionStart + 1]))
            {
                text = text.TrimEnd();
                actionStart += 2;
            }

            AddText(nodes, text);
            var close = FindClose(actionStart);
            var actionEnd = close;
            var trimAfter = false;
            if (close - 2 >= actionStart && _text[close - 1] == '-' && char.IsWhiteSpace(_text[close - 2]))
            {
                actionEnd = close - 1;
                trimAfter = true;
            }

            _pos = close + 2;
            if (trimAfter)
            {
                while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
                {
                    _pos++;
                }
            }

            var action = _text[actionStart..actionEnd].Trim();
            if (action.StartsWith("/*", StringComparison.Ordinal))
            {
                if (!action.EndsWith("*/", StringComparison.Ordinal))
                {
                    throw new TemplateException("template: unclosed comment");
                }

                continue;
            }

            _tokens = Tokenize(action);
            _t = 0;
            if (_tokens.Count == 0)
            {
                throw new TemplateException("template: missing value for command");
            }

            switch (_tokens[0])
            {
                case "end":
                    terminator = "end";
                    return nodes;
                case "else":
                    terminator = _tokens.Count > 1 ? "else " + _tokens[1] : "else";
                    return nodes;
                case "if" or "with":
                    nodes.Add(ParseIf(_tokens[0] == "with", 1));
                    break;
                case "range":
                    nodes.Add(ParseRange());
                    break;
                case "break" or "continue":
                    nodes.Add(new BreakNode(_tokens[0] == "continue"));
                    break;
                case "define" or "template" or "block":
                    throw new TemplateException($"template: {_tokens[0]} is not supported in LogQL templates");
                default:
                    nodes.Add(new ActionNode(ParsePipeline(allowDeclaration: true)));
                    break;
            }
        }
    }

    private static void AddText(List<TemplateNode> nodes, string text)
    {
        if (text.Length > 0)
        {
            nodes.Add(new TextNode(text));
        }
    }

    private int FindClose(int from)
    {
        var i = from;
        while (i < _text.Length - 1)
        {
            var c = _text[i];
            if (c is '"' or '`' or '\'')
            {
                i = SkipQuoted(_text, i);
                continue;
            }

            if (c == '}' && _text[i + 1] == '}')
            {
                return i;
            }

            i++;
        }

        throw new TemplateException("template: unclosed action");
    }

    private static int SkipQuoted(string s, int i)
    {
        var quote = s[i++];
        while (i < s.Length && s[i] != quote)
        {
            if (s[i] == '\\' && quote != '`')
            {
                i++;
            }

            i++;
        }

        return i + 1;
    }

    private IfNode ParseIf(bool isWith, int conditionStart)
    {
        _t = conditionStart;
        var condition = ParsePipeline(allowDeclaration: true);
        var then = ParseList(out var terminator);
        List<TemplateNode>? otherwise = null;
        if (terminator == "else")
        {
            otherwise = ParseList(out terminator);
            Expect(terminator, "end");
        }
        else if (terminator is "else if" or "else with")
        {
            // {{else if x}} is {{else}}{{if x}}...{{end}} sharing the outer {{end}}.
            otherwise = [ParseIf(terminator == "else with", 2)];
            return new IfNode(condition, then, otherwise, isWith);
        }
        else
        {
            Expect(terminator, "end");
        }

        return new IfNode(condition, then, otherwise, isWith);
    }

    private RangeNode ParseRange()
    {
        _t = 1;
        string? key = null, value = null;
        if (_t < _tokens.Count && _tokens[_t].StartsWith('$'))
        {
            var save = _t;
            var first = _tokens[_t++];
            if (_t < _tokens.Count && _tokens[_t] == ",")
            {
                _t++;
                key = first;
                value = _tokens[_t++];
                ExpectToken(":=");
            }
            else if (_t < _tokens.Count && _tokens[_t] == ":=")
            {
                _t++;
                value = first;
            }
            else
            {
                _t = save;
            }
        }

        var source = ParsePipeline(allowDeclaration: false);
        var body = ParseList(out var terminator);
        List<TemplateNode>? otherwise = null;
        if (terminator == "else")
        {
            otherwise = ParseList(out terminator);
        }

        Expect(terminator, "end");
        return new RangeNode(source, key, value, body, otherwise);
    }

    private static void Expect(string? terminator, string expected)
    {
        if (terminator != expected)
        {
            throw new TemplateException($"template: unexpected {(terminator is null ? "EOF" : "{{" + terminator + "}}")}, expecting {{{{{expected}}}}}");
        }
    }

    private void ExpectToken(string token)
    {
        if (_t >= _tokens.Count || _tokens[_t] != token)
        {
            throw new TemplateException($"template: expected '{token}'");
        }

        _t++;
    }

    private TemplatePipeline ParsePipeline(bool allowDeclaration)
    {
        var variables = new List<string>();
        var isAssignment = false;
        if (allowDeclaration && _t + 1 < _tokens.Count && _tokens[_t].StartsWith('$') && _tokens[_t + 1] is ":=" or "=")
        {
            variables.Add(_tokens[_t]);
            isAssignment = _tokens[_t + 1] == "=";
            _t += 2;
        }

        var commands = new List<TemplateCommand>();
        while (true)
        {
            var operands = new List<Operand>();
            while (_t < _tokens.Count && _tokens[_t] is not ("|" or ")"))
            {
                operands.Add(ParseOperand());
            }

            if (operands.Count == 0)
            {
                throw new TemplateException("template: missing value for command");
            }

            commands.Add(new TemplateCommand(operands));
            if (_t < _tokens.Count && _tokens[_t] == "|")
            {
                _t++;
                continue;
            }

            return new TemplatePipeline(variables, isAssignment, commands);
        }
    }

    private Operand ParseOperand()
    {
        var token = _tokens[_t++];
        if (token == "(")
        {
            var inner = ParsePipeline(allowDeclaration: false);
            ExpectToken(")");
            var path = Array.Empty<string>();
            if (_t < _tokens.Count && _tokens[_t].StartsWith('.') && _tokens[_t].Length > 1 && !char.IsAsciiDigit(_tokens[_t][1]))
            {
                path = _tokens[_t++][1..].Split('.');
            }

            return new PipelineOperand(inner, path);
        }

        if (token == ".")
        {
            return new FieldOperand(null, []);
        }

        if (token[0] == '.' && token.Length > 1 && !char.IsAsciiDigit(token[1]))
        {
            return new FieldOperand(null, token[1..].Split('.'));
        }

        if (token[0] == '$')
        {
            var dot = token.IndexOf('.');
            return dot < 0 ? new FieldOperand(token, []) : new FieldOperand(token[..dot], token[(dot + 1)..].Split('.'));
        }

        if (token[0] is '"' or '`')
        {
            return new ConstantOperand(Unquote(token));
        }

        if (token[0] == '\'')
        {
            var s = Unquote("\"" + token[1..^1] + "\"");
            return new ConstantOperand((long)char.ConvertToUtf32(s, 0));
        }

        if (token is "true" or "false")
        {
            return new ConstantOperand(token == "true");
        }

        if (token == "nil")
        {
            return new ConstantOperand(null);
        }

        if (char.IsAsciiDigit(token[0]) || token[0] is '-' or '+' or '.')
        {
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                return new ConstantOperand(integer);
            }

            if (token.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(token.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            {
                return new ConstantOperand(hex);
            }

            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return new ConstantOperand(number);
            }

            throw new TemplateException($"template: bad number syntax: \"{token}\"");
        }

        if (char.IsAsciiLetter(token[0]) || token[0] == '_')
        {
            if (!TemplateFunctions.Exists(token))
            {
                throw new TemplateException($"template: function \"{token}\" not defined");
            }

            return new FunctionOperand(token);
        }

        throw new TemplateException($"template: unexpected \"{token}\" in command");
    }

    private static string Unquote(string token)
    {
        if (token[0] == '`')
        {
            return token[1..^1];
        }

        var sb = new StringBuilder();
        for (var i = 1; i < token.Length - 1; i++)
        {
            var c = token[i];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            var e = token[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'x' or 'u':
                {
                    var digits = e == 'x' ? 2 : 4;
                    if (i + digits >= token.Length
                        || !int.TryParse(token.AsSpan(i + 1, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                    {
                        throw new TemplateException($"template: invalid escape \\{e} in {token}");
                    }

                    sb.Append((char)code);
                    i += digits;
                    break;
                }
                default: sb.Append(e); break;
            }
        }

        return sb.ToString();
    }

    private static List<string> Tokenize(string action)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < action.Length)
        {
            var c = action[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (c is '"' or '`' or '\'')
            {
                i = SkipQuoted(action, i);
                if (i > action.Length)
                {
                    throw new TemplateException("template: unterminated quoted string");
                }
            }
            else if (c is '(' or ')' or '|' or ',')
            {
                i++;
            }
            else if (c == ':' && i + 1 < action.Length && action[i + 1] == '=')
            {
                i += 2;
            }
            else if (c == '=')
            {
                i++;
            }
            else
            {
                while (i < action.Length && !char.IsWhiteSpace(action[i]) && action[i] is not ('(' or ')' or '|' or ',' or '"' or '`')
                    && !(action[i] == ':' && i + 1 < action.Length && action[i + 1] == '=')
                    && !(action[i] == '=' && i > start))
                {
                    i++;
                }
            }

            tokens.Add(action[start..i]);
        }

        return tokens;
    }
}
