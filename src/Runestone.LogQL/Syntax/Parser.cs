using System.Globalization;
using Runestone.Core.Labels;
using Runestone.Core.Time;
using Runestone.LogQL.Filters;
using MatchType = Runestone.Core.Labels.MatchType;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// Recursive-descent LogQL parser. Positional errors read like Loki's yacc errors
/// (<c>syntax error: unexpected IDENTIFIER</c>); semantic errors have no position.
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> s_rangeOps =
    [
        "count_over_time", "rate", "rate_counter", "bytes_over_time", "bytes_rate", "absent_over_time",
        "sum_over_time", "avg_over_time", "min_over_time", "max_over_time", "stddev_over_time",
        "stdvar_over_time", "quantile_over_time", "first_over_time", "last_over_time",
    ];

    private static readonly HashSet<string> s_vectorOps =
        ["sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk", "sort", "sort_desc"];

    // Range aggregations that need unwrap, may take it, or must not have it.
    private static readonly HashSet<string> s_unwrapOnly =
    [
        "sum_over_time", "avg_over_time", "min_over_time", "max_over_time", "stddev_over_time",
        "stdvar_over_time", "quantile_over_time", "first_over_time", "last_over_time", "rate_counter",
    ];

    private static readonly HashSet<string> s_noUnwrap = ["count_over_time", "bytes_over_time", "bytes_rate", "absent_over_time"];

    // Loki: "Except for sum_over_time, absent_over_time, rate and rate_counter, unwrapped range aggregations support grouping."
    private static readonly HashSet<string> s_noGrouping =
        ["sum_over_time", "absent_over_time", "rate", "rate_counter", "count_over_time", "bytes_over_time", "bytes_rate"];

    private static readonly HashSet<string> s_notImplicitAnd =
        ["and", "or", "unless", "by", "without", "offset", "bool", "on", "ignoring", "group_left", "group_right", "unwrap"];

    private readonly List<Token> _tokens;
    private int _pos;

    private Parser(string text) => _tokens = new Lexer(text).Tokenize();

    private Token Current => _tokens[Math.Min(_pos, _tokens.Count - 1)];

    private Token PeekAt(int ahead) => _tokens[Math.Min(_pos + ahead, _tokens.Count - 1)];

    public static Expr ParseExpr(string text)
    {
        var parser = new Parser(text);
        var expr = parser.ParseBinary(0);
        parser.Expect(TokenKind.End);
        return expr;
    }

    public static IReadOnlyList<LabelMatcher> ParseMatchers(string text)
    {
        var parser = new Parser(text);
        var matchers = parser.ParseSelectorMatchers();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw new ParseException("only label matchers are supported", 0, 0);
        }

        ValidateSelector(matchers);
        return matchers;
    }

    // ---- metric expressions -------------------------------------------------------------

    private static int Precedence(Token t) => t.Kind switch
    {
        TokenKind.Identifier when t.Text == "or" => 1,
        TokenKind.Identifier when t.Text is "and" or "unless" => 2,
        TokenKind.CmpEq or TokenKind.Neq or TokenKind.Gt or TokenKind.Gte or TokenKind.Lt or TokenKind.Lte => 3,
        TokenKind.Add or TokenKind.Sub => 4,
        TokenKind.Mul or TokenKind.Div or TokenKind.Mod => 5,
        TokenKind.Pow => 6,
        _ => -1,
    };

    private Expr ParseBinary(int minPrecedence)
    {
        var left = ParseUnary();
        while (true)
        {
            var opToken = Current;
            var precedence = Precedence(opToken);
            if (precedence < 0 || precedence < minPrecedence)
            {
                return left;
            }

            _pos++;
            var op = opToken.Text;
            var returnBool = false;
            if (IsKeyword("bool"))
            {
                if (precedence != 3)
                {
                    throw Unexpected(Current);
                }

                returnBool = true;
                _pos++;
            }

            VectorMatching? matching = null;
            if (IsKeyword("on") || IsKeyword("ignoring"))
            {
                var on = Current.Text == "on";
                _pos++;
                var labels = ParseLabelList();
                var cardinality = VectorCardinality.OneToOne;
                IReadOnlyList<string> include = [];
                if (IsKeyword("group_left") || IsKeyword("group_right"))
                {
                    cardinality = Current.Text == "group_left" ? VectorCardinality.ManyToOne : VectorCardinality.OneToMany;
                    _pos++;
                    if (Current.Kind == TokenKind.LeftParen)
                    {
                        include = ParseLabelList();
                    }
                }

                matching = new VectorMatching(on, labels, cardinality, include);
            }

            // ^ is right-associative; everything else is left-associative.
            var right = ParseBinary(op == "^" ? precedence : precedence + 1);
            if (left is not SampleExpr l)
            {
                throw new ParseException($"unexpected log query as the left operand of '{op}': use a metric query such as count_over_time(...[5m])", opToken.Line, opToken.Column);
            }

            if (right is not SampleExpr r)
            {
                throw new ParseException($"unexpected log query as the right operand of '{op}': use a metric query such as count_over_time(...[5m])", opToken.Line, opToken.Column);
            }

            var isScalarL = l is LiteralExpr;
            var isScalarR = r is LiteralExpr;
            if (precedence == 3 && isScalarL && isScalarR && !returnBool)
            {
                throw new ParseException("comparisons between scalars must use BOOL modifier", 0, 0);
            }

            if ((op is "and" or "or" or "unless") && (isScalarL || isScalarR))
            {
                throw new ParseException($"unexpected literal for right leg of logical/set binary operation ({op}): use vector(...) instead of a number", 0, 0);
            }

            left = new BinaryOpExpr(op, l, r, returnBool, matching);
        }
    }

    private Expr ParseUnary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.LeftParen:
            {
                _pos++;
                var inner = ParseBinary(0);
                Expect(TokenKind.RightParen);
                return inner;
            }

            case TokenKind.Number:
                _pos++;
                return new LiteralExpr(ParseNumber(t));
            case TokenKind.Sub or TokenKind.Add when PeekAt(1).Kind == TokenKind.Number:
            {
                _pos++;
                var n = ParseNumber(Current);
                _pos++;
                return new LiteralExpr(t.Kind == TokenKind.Sub ? -n : n);
            }

            case TokenKind.LeftBrace:
                return ParseLogSelector(allowUnwrap: false, out _);
            case TokenKind.Identifier when s_rangeOps.Contains(t.Text):
                return ParseRangeAggregation();
            case TokenKind.Identifier when s_vectorOps.Contains(t.Text):
                return ParseVectorAggregation();
            case TokenKind.Identifier when t.Text == "vector":
            {
                _pos++;
                Expect(TokenKind.LeftParen);
                var value = ParseSignedNumber();
                Expect(TokenKind.RightParen);
                return new VectorExpr(value);
            }

            case TokenKind.Identifier when t.Text == "label_replace":
                return ParseLabelReplace();
            default:
                throw Unexpected(t);
        }
    }

    private double ParseSignedNumber()
    {
        var negative = false;
        if (Current.Kind is TokenKind.Sub or TokenKind.Add)
        {
            negative = Current.Kind == TokenKind.Sub;
            _pos++;
        }

        var t = Expect(TokenKind.Number);
        var n = ParseNumber(t);
        return negative ? -n : n;
    }

    private static double ParseNumber(Token t)
    {
        if (t.Text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(t.Text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return hex;
        }

        if (double.TryParse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        throw new ParseException($"invalid number '{t.Text}'", t.Line, t.Column);
    }

    private SampleExpr ParseRangeAggregation()
    {
        var opToken = Current;
        var op = opToken.Text;
        _pos++;
        Expect(TokenKind.LeftParen);
        double? parameter = null;
        if (op == "quantile_over_time")
        {
            parameter = ParseSignedNumber();
            Expect(TokenKind.Comma);
        }

        var range = ParseLogRange();
        Expect(TokenKind.RightParen);
        Grouping? grouping = null;
        if (IsKeyword("by") || IsKeyword("without"))
        {
            grouping = ParseGrouping();
        }

        if (range.Unwrap is null && s_unwrapOnly.Contains(op))
        {
            throw new ParseException($"invalid aggregation {op} without unwrap", 0, 0);
        }

        if (range.Unwrap is not null && s_noUnwrap.Contains(op))
        {
            throw new ParseException($"invalid aggregation {op} with unwrap", 0, 0);
        }

        if (grouping is not null && (s_noGrouping.Contains(op) || range.Unwrap is null))
        {
            throw new ParseException($"grouping not allowed for {op} aggregation", 0, 0);
        }

        return new RangeAggregationExpr(op, range, parameter, grouping);
    }

    private LogRangeExpr ParseLogRange()
    {
        LogSelectorExpr selector;
        UnwrapExpr? unwrap;
        if (Current.Kind == TokenKind.LeftParen)
        {
            _pos++;
            selector = ParseLogSelector(allowUnwrap: true, out unwrap);
            Expect(TokenKind.RightParen);
        }
        else
        {
            selector = ParseLogSelector(allowUnwrap: true, out unwrap);
        }

        var range = ParseRangeWindow();
        var offset = TimeSpan.Zero;
        if (IsKeyword("offset"))
        {
            _pos++;
            offset = ParseDuration(Expect(TokenKind.Duration));
        }

        // Loki also accepts the pipeline after the range: {app="a"}[5m] | json | unwrap x
        if (selector.Stages.Count == 0 && unwrap is null && IsPipelineStart())
        {
            var stages = ParsePipeline(allowUnwrap: true, out unwrap);
            selector = new LogSelectorExpr(selector.Matchers, stages);
        }

        return new LogRangeExpr(selector, range, offset, unwrap);
    }

    private TimeSpan ParseRangeWindow()
    {
        Expect(TokenKind.LeftBracket);
        var d = Expect(TokenKind.Duration);
        Expect(TokenKind.RightBracket);
        var range = ParseDuration(d);
        if (range <= TimeSpan.Zero)
        {
            throw new ParseException($"invalid range {d.Text}: the range must be positive", d.Line, d.Column);
        }

        return range;
    }

    private static TimeSpan ParseDuration(Token t)
    {
        if (!DurationText.TryParse(t.Text, out var d))
        {
            throw new ParseException($"not a valid duration string: \"{t.Text}\"", t.Line, t.Column);
        }

        return d;
    }

    private SampleExpr ParseVectorAggregation()
    {
        var op = Current.Text;
        _pos++;
        Grouping? grouping = null;
        if (IsKeyword("by") || IsKeyword("without"))
        {
            grouping = ParseGrouping();
        }

        Expect(TokenKind.LeftParen);
        int? parameter = null;
        if (op is "topk" or "bottomk")
        {
            var t = Current;
            var k = ParseSignedNumber();
            if (k != Math.Floor(k) || k is < int.MinValue or > int.MaxValue)
            {
                throw new ParseException($"invalid parameter {op}({NumberText.Format(k)},: k must be an integer", t.Line, t.Column);
            }

            if (k <= 0)
            {
                throw new ParseException($"invalid parameter (must be greater than 0) {NumberText.Format(k)}", 0, 0);
            }

            parameter = (int)k;
            Expect(TokenKind.Comma);
        }

        var innerToken = Current;
        var inner = ParseBinary(0);
        Expect(TokenKind.RightParen);
        if (IsKeyword("by") || IsKeyword("without"))
        {
            if (grouping is not null)
            {
                throw Unexpected(Current);
            }

            grouping = ParseGrouping();
        }

        if (inner is not SampleExpr sample)
        {
            throw new ParseException($"{op} needs a metric query inside, e.g. {op}(count_over_time(...[5m])), not a log query", innerToken.Line, innerToken.Column);
        }

        if (op is "sort" or "sort_desc" && grouping is not null)
        {
            throw new ParseException($"grouping not allowed for {op} aggregation", 0, 0);
        }

        return new VectorAggregationExpr(op, grouping, parameter, sample);
    }

    private SampleExpr ParseLabelReplace()
    {
        _pos++;
        Expect(TokenKind.LeftParen);
        var innerToken = Current;
        var inner = ParseBinary(0);
        if (inner is not SampleExpr sample)
        {
            throw new ParseException("label_replace needs a metric query as its first argument", innerToken.Line, innerToken.Column);
        }

        var args = new string[4];
        for (var i = 0; i < 4; i++)
        {
            Expect(TokenKind.Comma);
            args[i] = Expect(TokenKind.String).Text;
        }

        Expect(TokenKind.RightParen);
        if (!LabelText.IsValidName(args[0]))
        {
            throw new ParseException($"invalid destination label name in label_replace(): {args[0]}", 0, 0);
        }

        try
        {
            _ = new System.Text.RegularExpressions.Regex("^(?:" + RegexSyntax.ToDotNet(args[3]) + ")$");
        }
        catch (ArgumentException)
        {
            throw new ParseException($"invalid regular expression in label_replace(): {args[3]}", 0, 0);
        }

        return new LabelReplaceExpr(sample, args[0], args[1], args[2], args[3]);
    }

    private Grouping ParseGrouping()
    {
        var without = Current.Text == "without";
        _pos++;
        return new Grouping(without, ParseLabelList());
    }

    private List<string> ParseLabelList()
    {
        Expect(TokenKind.LeftParen);
        var labels = new List<string>();
        if (Current.Kind == TokenKind.RightParen)
        {
            _pos++;
            return labels;
        }

        while (true)
        {
            labels.Add(Expect(TokenKind.Identifier).Text);
            if (Current.Kind == TokenKind.Comma)
            {
                _pos++;
                continue;
            }

            Expect(TokenKind.RightParen);
            return labels;
        }
    }

    // ---- log selectors and pipelines ------------------------------------------------------

    private LogSelectorExpr ParseLogSelector(bool allowUnwrap, out UnwrapExpr? unwrap)
    {
        var matchers = ParseSelectorMatchers();
        ValidateSelector(matchers);
        var stages = ParsePipeline(allowUnwrap, out unwrap);
        return new LogSelectorExpr(matchers, stages);
    }

    private List<LabelMatcher> ParseSelectorMatchers()
    {
        Expect(TokenKind.LeftBrace);
        var matchers = new List<LabelMatcher>();
        while (true)
        {
            var name = Expect(TokenKind.Identifier);
            var opToken = Current;
            var type = opToken.Kind switch
            {
                TokenKind.Eq => MatchType.Equal,
                TokenKind.Neq => MatchType.NotEqual,
                TokenKind.Re => MatchType.Regex,
                TokenKind.Nre => MatchType.NotRegex,
                _ => throw Unexpected(opToken, "=, !=, =~ or !~"),
            };
            _pos++;
            var value = Expect(TokenKind.String);
            matchers.Add(NewMatcher(type, name.Text, value));
            if (Current.Kind == TokenKind.Comma)
            {
                _pos++;
                continue;
            }

            Expect(TokenKind.RightBrace);
            return matchers;
        }
    }

    private static LabelMatcher NewMatcher(MatchType type, string name, Token value)
    {
        try
        {
            var pattern = type is MatchType.Regex or MatchType.NotRegex ? RegexSyntax.ToDotNet(value.Text) : value.Text;
            return new LabelMatcher(type, name, pattern);
        }
        catch (ArgumentException e)
        {
            throw new ParseException($"invalid regular expression \"{value.Text}\": {FirstLine(e.Message)}", value.Line, value.Column);
        }
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n');
        return newline < 0 ? message : message[..newline];
    }

    internal static void ValidateSelector(IReadOnlyList<LabelMatcher> matchers)
    {
        foreach (var m in matchers)
        {
            if (!m.MatchesEmpty)
            {
                return;
            }
        }

        throw new ParseException(
            "queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~\".*\" does not meet this requirement, but app=~\".+\" will",
            0,
            0);
    }

    private bool IsPipelineStart() => Current.Kind is TokenKind.Pipe or TokenKind.PipeExact or TokenKind.PipeMatch
        or TokenKind.PipePattern or TokenKind.NotPattern or TokenKind.Neq or TokenKind.Nre;

    private List<PipelineStage> ParsePipeline(bool allowUnwrap, out UnwrapExpr? unwrap)
    {
        unwrap = null;
        var stages = new List<PipelineStage>();
        while (IsPipelineStart())
        {
            var t = Current;
            if (t.Kind != TokenKind.Pipe)
            {
                stages.Add(ParseLineFilter());
                continue;
            }

            _pos++;
            var stageToken = Current;
            if (stageToken.Kind == TokenKind.Identifier)
            {
                switch (stageToken.Text)
                {
                    case "json" or "logfmt" or "regexp" or "pattern" or "unpack" when !IsLabelFilterAhead():
                        stages.Add(ParseParser());
                        continue;
                    case "line_format" when !IsLabelFilterAhead():
                        _pos++;
                        var lineTemplate = Expect(TokenKind.String);
                        Templates.TemplateValidation.Validate(lineTemplate);
                        stages.Add(new LineFormatStage(lineTemplate.Text));
                        continue;
                    case "label_format" when !IsLabelFilterAhead():
                        _pos++;
                        stages.Add(ParseLabelFormat());
                        continue;
                    case "drop" or "keep" when !IsLabelFilterAhead():
                        _pos++;
                        var list = ParseNamedMatchers();
                        stages.Add(stageToken.Text == "drop" ? new DropStage(list) : new KeepStage(list));
                        continue;
                    case "decolorize" when !IsLabelFilterAhead():
                        _pos++;
                        stages.Add(new DecolorizeStage());
                        continue;
                    case "unwrap" when !IsLabelFilterAhead():
                        if (!allowUnwrap)
                        {
                            throw Unexpected(stageToken);
                        }

                        unwrap = ParseUnwrap();
                        return stages;
                }
            }

            stages.Add(new LabelFilterStage(ParseLabelFilterOr()));
        }

        return stages;
    }

    // "| json" is a parser, but "| json="x"" would be a label filter on a label named json.
    // "!=" and "!~" after a stage keyword are line filters ("| logfmt != \"x\""), never label filters.
    private bool IsLabelFilterAhead() => PeekAt(1).Kind is TokenKind.Eq or TokenKind.Re
        or TokenKind.CmpEq or TokenKind.Gt or TokenKind.Gte or TokenKind.Lt or TokenKind.Lte;

    private UnwrapExpr ParseUnwrap()
    {
        _pos++;
        var conversion = UnwrapConversion.None;
        string label;
        if (Current.Kind == TokenKind.Identifier && PeekAt(1).Kind == TokenKind.LeftParen)
        {
            var conv = Current;
            conversion = conv.Text switch
            {
                "duration" => UnwrapConversion.Duration,
                "duration_seconds" => UnwrapConversion.DurationSeconds,
                "bytes" => UnwrapConversion.Bytes,
                _ => throw new ParseException($"syntax error: unexpected conversion function {conv.Text}, expecting duration, duration_seconds or bytes", conv.Line, conv.Column),
            };
            _pos += 2;
            label = Expect(TokenKind.Identifier).Text;
            Expect(TokenKind.RightParen);
        }
        else
        {
            label = Expect(TokenKind.Identifier).Text;
        }

        var filters = new List<LabelFilterExpr>();
        while (Current.Kind == TokenKind.Pipe)
        {
            _pos++;
            filters.Add(ParseLabelFilterOr());
        }

        return new UnwrapExpr(label, conversion, filters);
    }

    private LineFilterStage ParseLineFilter()
    {
        var t = Current;
        var op = t.Kind switch
        {
            TokenKind.PipeExact => LineFilterOp.Contains,
            TokenKind.Neq => LineFilterOp.NotContains,
            TokenKind.PipeMatch => LineFilterOp.Regex,
            TokenKind.Nre => LineFilterOp.NotRegex,
            TokenKind.PipePattern => LineFilterOp.Pattern,
            _ => LineFilterOp.NotPattern,
        };
        _pos++;
        var values = new List<string>();
        var isIp = false;
        while (true)
        {
            var valueToken = Current;
            string value;
            if (valueToken.Kind == TokenKind.Identifier && valueToken.Text == "ip" && PeekAt(1).Kind == TokenKind.LeftParen)
            {
                if (op is not (LineFilterOp.Contains or LineFilterOp.NotContains) || (values.Count > 0 && !isIp))
                {
                    throw Unexpected(valueToken);
                }

                _pos += 2;
                value = Expect(TokenKind.String).Text;
                Expect(TokenKind.RightParen);
                isIp = true;
                if (!IpMatcher.TryCreate(value, out _))
                {
                    throw new ParseException($"invalid ip filter \"{value}\": use an address, a CIDR (10.0.0.0/8) or a range (10.0.0.1-10.0.0.9)", valueToken.Line, valueToken.Column);
                }
            }
            else
            {
                if (isIp)
                {
                    throw Unexpected(valueToken);
                }

                value = Expect(TokenKind.String).Text;
                LineFilterFactory.Validate(op, value, valueToken);
            }

            values.Add(value);
            if (IsKeyword("or") && (PeekAt(1).Kind == TokenKind.String || (PeekAt(1).Kind == TokenKind.Identifier && PeekAt(1).Text == "ip")))
            {
                _pos++;
                continue;
            }

            return new LineFilterStage(op, values, isIp);
        }
    }

    private ParserStage ParseParser()
    {
        var kindToken = Current;
        _pos++;
        var kind = kindToken.Text switch
        {
            "json" => ParserKind.Json,
            "logfmt" => ParserKind.Logfmt,
            "regexp" => ParserKind.Regexp,
            "pattern" => ParserKind.Pattern,
            _ => ParserKind.Unpack,
        };

        string? expression = null;
        var strict = false;
        var keepEmpty = false;
        var parameters = new List<LabelExtraction>();
        switch (kind)
        {
            case ParserKind.Regexp or ParserKind.Pattern:
            {
                var exprToken = Expect(TokenKind.String);
                expression = exprToken.Text;
                Log.ParserValidation.Validate(kind, expression, exprToken);
                break;
            }

            case ParserKind.Logfmt:
                while (Current.Kind == TokenKind.Sub && PeekAt(1).Kind == TokenKind.Sub && PeekAt(2).Kind == TokenKind.Identifier)
                {
                    var flag = PeekAt(2);
                    if (flag.Text == "strict")
                    {
                        strict = true;
                        _pos += 3;
                    }
                    else if (flag.Text == "keep" && PeekAt(3).Kind == TokenKind.Sub && PeekAt(4).Kind == TokenKind.Identifier && PeekAt(4).Text == "empty")
                    {
                        keepEmpty = true;
                        _pos += 5;
                    }
                    else
                    {
                        throw new ParseException($"syntax error: unknown logfmt flag --{flag.Text}, expecting --strict or --keep-empty", flag.Line, flag.Column);
                    }
                }

                ParseExtractions(parameters);
                break;
            case ParserKind.Json:
                ParseExtractions(parameters);
                break;
        }

        return new ParserStage(kind, expression, parameters, strict, keepEmpty);
    }

    private void ParseExtractions(List<LabelExtraction> parameters)
    {
        while (Current.Kind == TokenKind.Identifier && !s_notImplicitAnd.Contains(Current.Text))
        {
            var name = Current;
            _pos++;
            if (Current.Kind == TokenKind.Eq)
            {
                _pos++;
                parameters.Add(new LabelExtraction(name.Text, Expect(TokenKind.String).Text));
            }
            else
            {
                parameters.Add(new LabelExtraction(name.Text, name.Text));
            }

            if (Current.Kind != TokenKind.Comma)
            {
                return;
            }

            _pos++;
        }
    }

    private LabelFormatStage ParseLabelFormat()
    {
        var items = new List<LabelFormatItem>();
        while (true)
        {
            var name = Expect(TokenKind.Identifier);
            Expect(TokenKind.Eq);
            if (Current.Kind == TokenKind.String)
            {
                var template = Current;
                _pos++;
                Templates.TemplateValidation.Validate(template);
                items.Add(new LabelFormatItem(name.Text, template.Text, true));
            }
            else
            {
                items.Add(new LabelFormatItem(name.Text, Expect(TokenKind.Identifier).Text, false));
            }

            foreach (var existing in items)
            {
                if (!ReferenceEquals(existing, items[^1]) && existing.Name == name.Text)
                {
                    throw new ParseException($"label name {name.Text} can only be assigned once in label_format", 0, 0);
                }
            }

            if (Current.Kind != TokenKind.Comma)
            {
                return new LabelFormatStage(items);
            }

            _pos++;
        }
    }

    private List<NamedMatcher> ParseNamedMatchers()
    {
        var list = new List<NamedMatcher>();
        while (true)
        {
            var name = Expect(TokenKind.Identifier);
            var opToken = Current;
            if (opToken.Kind is TokenKind.Eq or TokenKind.Neq or TokenKind.Re or TokenKind.Nre)
            {
                _pos++;
                var type = opToken.Kind switch
                {
                    TokenKind.Eq => MatchType.Equal,
                    TokenKind.Neq => MatchType.NotEqual,
                    TokenKind.Re => MatchType.Regex,
                    _ => MatchType.NotRegex,
                };
                list.Add(new NamedMatcher(name.Text, NewMatcher(type, name.Text, Expect(TokenKind.String))));
            }
            else
            {
                list.Add(new NamedMatcher(name.Text, null));
            }

            if (Current.Kind != TokenKind.Comma)
            {
                return list;
            }

            _pos++;
        }
    }

    // Loki evaluates and/or strictly left to right; "," a space or another "|" also mean "and".
    private LabelFilterExpr ParseLabelFilterOr()
    {
        var left = ParseLabelFilterPrimary();
        while (true)
        {
            bool isAnd;
            if (IsKeyword("or"))
            {
                isAnd = false;
                _pos++;
            }
            else if (IsKeyword("and") || Current.Kind == TokenKind.Comma)
            {
                isAnd = true;
                _pos++;
            }
            else if (Current.Kind == TokenKind.Identifier && !s_notImplicitAnd.Contains(Current.Text))
            {
                isAnd = true;
            }
            else
            {
                return left;
            }

            left = new BinaryLabelFilter(isAnd, left, ParseLabelFilterPrimary());
        }
    }

    private LabelFilterExpr ParseLabelFilterPrimary()
    {
        if (Current.Kind == TokenKind.LeftParen)
        {
            _pos++;
            var inner = ParseLabelFilterOr();
            Expect(TokenKind.RightParen);
            return inner;
        }

        var name = Expect(TokenKind.Identifier);
        var opToken = Current;
        _pos++;
        var value = Current;
        switch (opToken.Kind)
        {
            case TokenKind.Re or TokenKind.Nre:
                return new StringLabelFilter(NewMatcher(opToken.Kind == TokenKind.Re ? MatchType.Regex : MatchType.NotRegex, name.Text, Expect(TokenKind.String)));
            case TokenKind.Eq or TokenKind.Neq when value.Kind == TokenKind.String:
                _pos++;
                return new StringLabelFilter(NewMatcher(opToken.Kind == TokenKind.Eq ? MatchType.Equal : MatchType.NotEqual, name.Text, value));
            case TokenKind.Eq or TokenKind.Neq when value.Kind == TokenKind.Identifier && value.Text == "ip":
            {
                _pos++;
                Expect(TokenKind.LeftParen);
                var pattern = Expect(TokenKind.String);
                Expect(TokenKind.RightParen);
                if (!IpMatcher.TryCreate(pattern.Text, out _))
                {
                    throw new ParseException($"invalid ip filter \"{pattern.Text}\": use an address, a CIDR (10.0.0.0/8) or a range (10.0.0.1-10.0.0.9)", pattern.Line, pattern.Column);
                }

                return new IpLabelFilter(name.Text, opToken.Kind == TokenKind.Neq, pattern.Text);
            }

            case TokenKind.Eq or TokenKind.Neq or TokenKind.CmpEq or TokenKind.Gt or TokenKind.Gte or TokenKind.Lt or TokenKind.Lte:
            {
                var op = opToken.Kind switch
                {
                    TokenKind.Eq or TokenKind.CmpEq => ComparisonOp.Eq,
                    TokenKind.Neq => ComparisonOp.Neq,
                    TokenKind.Gt => ComparisonOp.Gt,
                    TokenKind.Gte => ComparisonOp.Gte,
                    TokenKind.Lt => ComparisonOp.Lt,
                    _ => ComparisonOp.Lte,
                };
                switch (value.Kind)
                {
                    case TokenKind.Duration:
                        _pos++;
                        return new DurationLabelFilter(name.Text, op, ParseDuration(value));
                    case TokenKind.Bytes:
                        _pos++;
                        if (!ByteSize.TryParse(value.Text, out var bytes))
                        {
                            throw new ParseException($"invalid byte size {value.Text}", value.Line, value.Column);
                        }

                        return new BytesLabelFilter(name.Text, op, bytes, value.Text);
                    case TokenKind.Number or TokenKind.Sub or TokenKind.Add:
                        return new NumericLabelFilter(name.Text, op, ParseSignedNumber());
                    default:
                        throw Unexpected(value, "NUMBER, DURATION or BYTES");
                }
            }

            default:
                throw Unexpected(opToken);
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    private bool IsKeyword(string keyword) => Current.Kind == TokenKind.Identifier && Current.Text == keyword;

    private Token Expect(TokenKind kind)
    {
        var t = Current;
        if (t.Kind != kind)
        {
            throw Unexpected(t, Describe(kind));
        }

        _pos++;
        return t;
    }

    private static string Describe(TokenKind kind) => kind switch
    {
        TokenKind.End => "$end",
        TokenKind.Identifier => "IDENTIFIER",
        TokenKind.String => "STRING",
        TokenKind.Number => "NUMBER",
        TokenKind.Duration => "DURATION",
        TokenKind.Bytes => "BYTES",
        TokenKind.LeftBrace => "{",
        TokenKind.RightBrace => "}",
        TokenKind.LeftParen => "(",
        TokenKind.RightParen => ")",
        TokenKind.LeftBracket => "[",
        TokenKind.RightBracket => "]",
        TokenKind.Comma => ",",
        TokenKind.Eq => "=",
        _ => kind.ToString(),
    };

    private static ParseException Unexpected(Token t, string? expecting = null)
    {
        var message = "syntax error: unexpected " + t.Describe();
        if (expecting is not null)
        {
            message += ", expecting " + expecting;
        }

        return new ParseException(message, t.Line, t.Column);
    }
}
