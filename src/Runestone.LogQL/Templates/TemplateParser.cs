using System.Globalization;
using System.Text;

namespace Runestone.LogQL.Templates;

/// <summary>
/// Parses Go's text/template as LogQL and Promtail use it: text, <c>{{pipeline}}</c> with
/// <c>{{- </c>/<c> -}}</c> trimming, comments, variables (declared <c>:=</c>, assigned <c>=</c>),
/// <c>if</c>/<c>else if</c>, <c>with</c>/<c>else with</c>, <c>range</c> (with <c>$i, $v :=</c>, <c>break</c>,
/// <c>continue</c>), <c>define</c>, <c>template</c>, <c>block</c>, and pipelines of functions, fields,
/// literals and parenthesised pipelines. Like Go's parser it rejects unknown functions, undefined
/// variables and <c>break</c>/<c>continue</c> outside <c>range</c> before anything runs.
/// </summary>
internal sealed class TemplateParser
{
    private readonly string _text;
    private readonly TemplateFunctionSet _functions;
    private readonly Dictionary<string, List<TemplateNode>> _definitions = new(StringComparer.Ordinal);
    private List<string> _variables = ["$"];
    private int _rangeDepth;
    private int _controlDepth;
    private int _pos;
    private List<string> _tokens = [];
    private int _t;

    private TemplateParser(string text, TemplateFunctionSet functions)
    {
        _text = text;
        _functions = functions;
    }

    public static ParsedTemplate Parse(string text, TemplateFunctionSet functions)
    {
        var parser = new TemplateParser(text, functions);
        var nodes = parser.ParseList(out var terminator);
        if (terminator is not null)
        {
            throw new TemplateException($"template: unexpected {{{{{terminator}}}}}");
        }

        return new ParsedTemplate(nodes, parser._definitions);
    }

    /// <summary>Go's lexer trims and separates on these four only, not on all Unicode white space.</summary>
    private static bool IsGoSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

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

            // "{{- " trims the text before; "{{-3}}" is the number -3.
            if (actionStart + 1 < _text.Length && _text[actionStart] == '-' && IsGoSpace(_text[actionStart + 1]))
            {
                text = text.TrimEnd(' ', '\t', '\r', '\n');
                actionStart += 2;
            }

            AddText(nodes, text);
            if (string.CompareOrdinal(_text, actionStart, "/*", 0, 2) == 0)
            {
                SkipComment(actionStart);
                continue;
            }

            var close = FindClose(actionStart);
            var actionEnd = close;
            var trimAfter = false;
            if (close - 2 >= actionStart && _text[close - 1] == '-' && IsGoSpace(_text[close - 2]))
            {
                actionEnd = close - 1;
                trimAfter = true;
            }

            _pos = close + 2;
            if (trimAfter)
            {
                SkipSpaceAfterAction();
            }

            _tokens = Tokenize(_text[actionStart..actionEnd]);
            _t = 0;
            if (_tokens.Count == 0)
            {
                throw new TemplateException("template: missing value for command");
            }

            switch (_tokens[0])
            {
                case "end":
                    ExpectActionEnd(1, "end");
                    terminator = "end";
                    return nodes;
                case "else":
                    terminator = ElseTerminator();
                    return nodes;
                case "if" or "with":
                    nodes.Add(ParseIf(_tokens[0] == "with", 1));
                    break;
                case "range":
                    nodes.Add(ParseRange());
                    break;
                case "break" or "continue":
                    ExpectActionEnd(1, _tokens[0]);
                    if (_rangeDepth == 0)
                    {
                        throw new TemplateException($"template: {{{{{_tokens[0]}}}}} outside {{{{range}}}}");
                    }

                    nodes.Add(new BreakNode(_tokens[0] == "continue"));
                    break;
                case "define":
                    ParseDefine();
                    break;
                case "template":
                    nodes.Add(ParseTemplateCall());
                    break;
                case "block":
                    nodes.Add(ParseBlock());
                    break;
                default:
                    nodes.Add(new ActionNode(ParsePipeline(allowDeclaration: true, "command")));
                    ExpectActionEnd(_t, "command");
                    break;
            }
        }
    }

    /// <summary>
    /// A comment must start right after "{{" (or "{{- ") and end right before "}}" (or " -}}");
    /// it may span lines and contain "}}".
    /// </summary>
    private void SkipComment(int start)
    {
        var end = _text.IndexOf("*/", start + 2, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new TemplateException("template: unclosed comment");
        }

        var after = end + 2;
        if (after < _text.Length && IsGoSpace(_text[after]) && string.CompareOrdinal(_text, after + 1, "-}}", 0, 3) == 0)
        {
            _pos = after + 4;
            SkipSpaceAfterAction();
        }
        else if (string.CompareOrdinal(_text, after, "}}", 0, 2) == 0)
        {
            _pos = after + 2;
        }
        else
        {
            throw new TemplateException("template: comment ends before closing delimiter");
        }
    }

    private void SkipSpaceAfterAction()
    {
        while (_pos < _text.Length && IsGoSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    /// <summary>"else", or "else if"/"else with" leaving the condition's tokens for the caller (from token 2).</summary>
    private string ElseTerminator()
    {
        if (_tokens.Count == 1)
        {
            return "else";
        }

        if (_tokens[1] is "if" or "with")
        {
            return "else " + _tokens[1];
        }

        throw new TemplateException($"template: unexpected \"{_tokens[1]}\" in else");
    }

    private void ExpectActionEnd(int consumed, string context)
    {
        if (consumed < _tokens.Count)
        {
            throw new TemplateException($"template: unexpected \"{_tokens[consumed]}\" in {context}");
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
        var mark = _variables.Count;
        _controlDepth++;
        try
        {
            _t = conditionStart;
            var context = isWith ? "with" : "if";
            var condition = ParsePipeline(allowDeclaration: true, context);
            ExpectActionEnd(_t, context);
            var then = ParseList(out var terminator);
            List<TemplateNode>? otherwise = null;
            if (terminator == "else")
            {
                otherwise = ParseList(out terminator);
                Expect(terminator, "end");
            }
            else if (terminator == "else " + context)
            {
                // {{else if x}} is {{else}}{{if x}}...{{end}} sharing the outer {{end}}; so is {{else with x}} in a with.
                otherwise = [ParseIf(isWith, 2)];
            }
            else
            {
                Expect(terminator, "end");
            }

            return new IfNode(condition, then, otherwise, isWith);
        }
        finally
        {
            _variables.RemoveRange(mark, _variables.Count - mark);
            _controlDepth--;
        }
    }

    private RangeNode ParseRange()
    {
        var mark = _variables.Count;
        _controlDepth++;
        try
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
                    value = _t < _tokens.Count && _tokens[_t].StartsWith('$') && !_tokens[_t].Contains('.', StringComparison.Ordinal)
                        ? _tokens[_t++]
                        : throw new TemplateException("template: range can only initialize variables");
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

            if (key is not null)
            {
                _variables.Add(key);
            }

            if (value is not null)
            {
                _variables.Add(value);
            }

            var source = ParsePipeline(allowDeclaration: false, "range");
            ExpectActionEnd(_t, "range");

            // break and continue belong to the body; the else list runs outside the loop.
            _rangeDepth++;
            var body = ParseList(out var terminator);
            _rangeDepth--;
            List<TemplateNode>? otherwise = null;
            if (terminator == "else")
            {
                otherwise = ParseList(out terminator);
            }

            Expect(terminator, "end");
            return new RangeNode(source, key, value, body, otherwise);
        }
        finally
        {
            _variables.RemoveRange(mark, _variables.Count - mark);
            _controlDepth--;
        }
    }

    /// <summary><c>{{define "name"}}...{{end}}</c>: only at the top level, like Go's parser.</summary>
    private void ParseDefine()
    {
        if (_controlDepth > 0)
        {
            throw new TemplateException("template: unexpected <define> in command");
        }

        var name = TemplateName(1, "define clause");
        ExpectActionEnd(2, "define clause");
        AddDefinition(name, ParseDefinitionBody("define clause"));
    }

    /// <summary><c>{{template "name"}}</c> runs with a nil dot; <c>{{template "name" pipeline}}</c> with the pipeline's value.</summary>
    private TemplateCallNode ParseTemplateCall()
    {
        var name = TemplateName(1, "template clause");
        TemplatePipeline? pipeline = null;
        if (_tokens.Count > 2)
        {
            _t = 2;
            pipeline = ParsePipeline(allowDeclaration: true, "template clause");
            ExpectActionEnd(_t, "template clause");
        }

        return new TemplateCallNode(name, pipeline);
    }

    /// <summary><c>{{block "name" pipeline}}T{{end}}</c> is <c>{{define "name"}}T{{end}}{{template "name" pipeline}}</c>.</summary>
    private TemplateCallNode ParseBlock()
    {
        var name = TemplateName(1, "block clause");
        if (_tokens.Count == 2)
        {
            throw new TemplateException("template: missing value for block clause");
        }

        _t = 2;
        var pipeline = ParsePipeline(allowDeclaration: true, "block clause");
        ExpectActionEnd(_t, "block clause");
        AddDefinition(name, ParseDefinitionBody("block clause"));
        return new TemplateCallNode(name, pipeline);
    }

    /// <summary>A named template is its own tree: it sees only <c>$</c> and is outside any range.</summary>
    private List<TemplateNode> ParseDefinitionBody(string context)
    {
        var (variables, rangeDepth) = (_variables, _rangeDepth);
        _variables = ["$"];
        _rangeDepth = 0;
        _controlDepth++;
        try
        {
            var body = ParseList(out var terminator);
            if (terminator != "end")
            {
                throw new TemplateException($"template: unexpected {(terminator is null ? "EOF" : "{{" + terminator + "}}")} in {context}");
            }

            return body;
        }
        finally
        {
            (_variables, _rangeDepth) = (variables, rangeDepth);
            _controlDepth--;
        }
    }

    private string TemplateName(int index, string context)
    {
        if (index >= _tokens.Count)
        {
            throw new TemplateException($"template: unexpected end in {context}");
        }

        var token = _tokens[index];
        if (token[0] is not ('"' or '`'))
        {
            throw new TemplateException($"template: unexpected \"{token}\" in {context}");
        }

        return Unquote(token);
    }

    /// <summary>Go keeps the first non-empty body of a name; two non-empty bodies are an error.</summary>
    private void AddDefinition(string name, List<TemplateNode> body)
    {
        if (_definitions.TryGetValue(name, out var existing) && !IsEmpty(existing))
        {
            if (!IsEmpty(body))
            {
                throw new TemplateException($"template: multiple definition of template \"{name}\"");
            }

            return;
        }

        _definitions[name] = body;
    }

    private static bool IsEmpty(List<TemplateNode> nodes)
    {
        foreach (var node in nodes)
        {
            if (node is not TextNode text || !string.IsNullOrWhiteSpace(text.Text))
            {
                return false;
            }
        }

        return true;
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

    private TemplatePipeline ParsePipeline(bool allowDeclaration, string context)
    {
        var variables = new List<string>();
        var isAssignment = false;
        if (allowDeclaration && _t + 1 < _tokens.Count && _tokens[_t].StartsWith('$') && _tokens[_t + 1] is ":=" or "=")
        {
            variables.Add(_tokens[_t]);
            isAssignment = _tokens[_t + 1] == "=";
            _t += 2;

            // Go records the name on either form; assigning one never declared fails when it runs.
            _variables.Add(variables[0]);
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
                throw new TemplateException($"template: missing value for {context}");
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
            var inner = ParsePipeline(allowDeclaration: false, "parenthesized pipeline");
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
            var name = dot < 0 ? token : token[..dot];
            if (!_variables.Contains(name))
            {
                throw new TemplateException($"template: undefined variable \"{name}\"");
            }

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
            if (!_functions.Contains(token))
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
            if (IsGoSpace(c))
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
                while (i < action.Length && !IsGoSpace(action[i]) && action[i] is not ('(' or ')' or '|' or ',' or '"' or '`')
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
