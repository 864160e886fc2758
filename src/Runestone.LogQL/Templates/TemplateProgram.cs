using System.Text;

namespace Runestone.LogQL.Templates;

/// <summary>A compiled LogQL template (line_format, label_format). Immutable; safe to share across threads.</summary>
internal sealed class TemplateProgram
{
    private readonly List<TemplateNode> _nodes;

    private TemplateProgram(List<TemplateNode> nodes, bool usesLine, string? constant)
    {
        _nodes = nodes;
        UsesLine = usesLine;
        Constant = constant;
    }

    /// <summary>True when the template calls <c>__line__</c> (the stage then decodes the line for it).</summary>
    public bool UsesLine { get; }

    /// <summary>The output when the template has no actions at all.</summary>
    public string? Constant { get; }

    public static TemplateProgram Compile(string text)
    {
        var nodes = TemplateParser.Parse(text);
        var usesLine = text.Contains("__line__", StringComparison.Ordinal);
        string? constant = null;
        if (nodes.TrueForAll(static n => n is TextNode))
        {
            constant = string.Concat(nodes.Select(static n => ((TextNode)n).Text));
        }

        return new TemplateProgram(nodes, usesLine, constant);
    }

    /// <summary>Renders into <paramref name="output"/>; throws <see cref="TemplateException"/> on execution errors.</summary>
    public void Execute(StringBuilder output, TemplateContext context)
    {
        if (Constant is not null)
        {
            output.Append(Constant);
            return;
        }

        var state = new State(context, output);
        state.Run(_nodes, LabelsDot.Instance);
    }

    /// <summary>Marks "." as the label map of the entry.</summary>
    private sealed class LabelsDot
    {
        public static readonly LabelsDot Instance = new();
    }

    private sealed class State(TemplateContext context, StringBuilder output)
    {
        private readonly List<(string Name, object? Value)> _variables = [];
        private int _depth;

        private enum Flow
        {
            Normal,
            Break,
            Continue,
        }

        public void Run(List<TemplateNode> nodes, object? dot)
        {
            _variables.Add(("$", dot));
            Walk(nodes, dot);
        }

        private Flow Walk(List<TemplateNode> nodes, object? dot)
        {
            if (++_depth > 100)
            {
                throw new TemplateException("template: exceeded maximum template depth (100000)");
            }

            try
            {
                foreach (var node in nodes)
                {
                    var flow = Step(node, dot);
                    if (flow != Flow.Normal)
                    {
                        return flow;
                    }
                }

                return Flow.Normal;
            }
            finally
            {
                _depth--;
            }
        }

        private Flow Step(TemplateNode node, object? dot)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    return Flow.Normal;
                case ActionNode action:
                {
                    var value = EvalPipeline(action.Pipeline, dot);
                    if (action.Pipeline.Variables.Count == 0)
                    {
                        output.Append(value is null ? string.Empty : GoFormat.Value(value));
                    }

                    return Flow.Normal;
                }

                case IfNode branch:
                {
                    var mark = _variables.Count;
                    var value = EvalPipeline(branch.Condition, dot);
                    try
                    {
                        if (TemplateFunctions.Truth(value))
                        {
                            return Walk(branch.Then, branch.IsWith ? value : dot);
                        }

                        return branch.Else is null ? Flow.Normal : Walk(branch.Else, dot);
                    }
                    finally
                    {
                        _variables.RemoveRange(mark, _variables.Count - mark);
                    }
                }

                case RangeNode range:
                    return Range(range, dot);
                case BreakNode b:
                    return b.IsContinue ? Flow.Continue : Flow.Break;
                default:
                    throw new TemplateException("template: unknown node");
            }
        }

        private Flow Range(RangeNode range, object? dot)
        {
            var source = EvalPipeline(range.Source, dot);
            IEnumerable<(object? Key, object? Value)> items = source switch
            {
                List<object?> list => list.Select((v, i) => ((object?)(long)i, v)),
                Dictionary<string, object?> map => map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => ((object?)p.Key, p.Value)),
                long n => Enumerable.Range(0, (int)Math.Max(0, n)).Select(i => ((object?)(long)i, (object?)(long)i)),
                null or "" => [],
                _ => throw new TemplateException($"range can't iterate over {GoFormat.Value(source)}"),
            };

            var any = false;
            foreach (var (key, value) in items)
            {
                any = true;
                var mark = _variables.Count;
                if (range.KeyVariable is not null)
                {
                    _variables.Add((range.KeyVariable, key));
                }

                if (range.ValueVariable is not null)
                {
                    _variables.Add((range.ValueVariable, value));
                }

                var flow = Walk(range.Body, value);
                _variables.RemoveRange(mark, _variables.Count - mark);
                if (flow == Flow.Break)
                {
                    break;
                }
            }

            if (!any && range.Else is not null)
            {
                return Walk(range.Else, dot);
            }

            return Flow.Normal;
        }

        private object? EvalPipeline(TemplatePipeline pipeline, object? dot)
        {
            object? value = null;
            var hasValue = false;
            foreach (var command in pipeline.Commands)
            {
                value = EvalCommand(command, dot, hasValue ? value : null, hasValue);
                hasValue = true;
            }

            foreach (var variable in pipeline.Variables)
            {
                if (pipeline.IsAssignment)
                {
                    var index = _variables.FindLastIndex(v => v.Name == variable);
                    if (index < 0)
                    {
                        throw new TemplateException($"template: undefined variable: {variable}");
                    }

                    _variables[index] = (variable, value);
                }
                else
                {
                    _variables.Add((variable, value));
                }
            }

            return value;
        }

        private object? EvalCommand(TemplateCommand command, object? dot, object? piped, bool hasPiped)
        {
            var first = command.Operands[0];
            if (first is FunctionOperand function)
            {
                var args = new List<object?>(command.Operands.Count);
                for (var i = 1; i < command.Operands.Count; i++)
                {
                    args.Add(EvalOperand(command.Operands[i], dot));
                }

                if (hasPiped)
                {
                    args.Add(piped);
                }

                return TemplateFunctions.Call(function.Name, args, context);
            }

            if (command.Operands.Count > 1 || hasPiped)
            {
                throw new TemplateException($"template: can't give argument to non-function {Describe(first)}");
            }

            return EvalOperand(first, dot);
        }

        private static string Describe(Operand operand) => operand switch
        {
            FieldOperand f => (f.Variable ?? string.Empty) + "." + string.Join('.', f.Path),
            ConstantOperand c => GoFormat.Value(c.Value),
            _ => "(...)",
        };

        private object? EvalOperand(Operand operand, object? dot)
        {
            switch (operand)
            {
                case ConstantOperand c:
                    return c.Value;
                case FunctionOperand f:
                    return TemplateFunctions.Call(f.Name, [], context);
                case PipelineOperand p:
                    return Walk(EvalPipeline(p.Pipeline, dot), p.Path);
                case FieldOperand field:
                {
                    object? root;
                    if (field.Variable is null)
                    {
                        root = dot;
                    }
                    else
                    {
                        var index = _variables.FindLastIndex(v => v.Name == field.Variable);
                        if (index < 0)
                        {
                            throw new TemplateException($"template: undefined variable \"{field.Variable}\"");
                        }

                        root = _variables[index].Value;
                    }

                    return Walk(root, field.Path);
                }

                default:
                    throw new TemplateException("template: unknown operand");
            }
        }

        private object? Walk(object? value, string[] path)
        {
            foreach (var name in path)
            {
                value = value switch
                {
                    LabelsDot => context.Labels?.GetOrEmpty(name) ?? string.Empty,
                    Dictionary<string, object?> map => map.GetValueOrDefault(name),
                    null => null,
                    _ => throw new TemplateException($"template: can't evaluate field {name} in type {value.GetType().Name}"),
                };
            }

            return value is LabelsDot ? LabelsMap() : value;
        }

        private Dictionary<string, object?> LabelsMap()
        {
            var map = new Dictionary<string, object?>();
            if (context.Labels is { } labels)
            {
                foreach (var pair in labels.Snapshot())
                {
                    map[pair.Name] = pair.Value;
                }
            }

            return map;
        }
    }
}
