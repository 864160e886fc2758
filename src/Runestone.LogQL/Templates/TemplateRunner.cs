using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Runestone.LogQL.Templates;

/// <summary>
/// Executes a parsed template. One runner per <see cref="TemplateContext"/>, reused line after
/// line: the variable stack and argument lists are kept, so steady-state execution allocates
/// only what the template's functions produce.
/// </summary>
internal sealed class TemplateRunner
{
    private const int MaxDepth = 100;

    private readonly List<(string Name, object? Value)> _variables = [];
    private readonly Stack<List<object?>> _argumentLists = new();
    private ParsedTemplate _template = null!;
    private TemplateContext _context = null!;
    private StringBuilder _output = null!;

    /// <summary>Where the running template's variables start: a called template sees only its own <c>$</c>.</summary>
    private int _frame;
    private int _depth;

    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public void Run(ParsedTemplate template, TemplateContext context, StringBuilder output)
    {
        _template = template;
        _context = context;
        _output = output;
        _variables.Clear();
        _frame = 0;
        _depth = 0;
        var dot = context.Dot;
        _variables.Add(("$", dot));
        try
        {
            Walk(template.Main, dot);
        }
        finally
        {
            _variables.Clear();
        }
    }

    private Flow Walk(List<TemplateNode> nodes, object? dot)
    {
        if (++_depth > MaxDepth)
        {
            throw new TemplateException($"template: exceeded maximum template depth ({MaxDepth})");
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
                _output.Append(text.Text);
                return Flow.Normal;
            case ActionNode action:
            {
                var value = EvalPipeline(action.Pipeline, dot);
                if (action.Pipeline.Variables.Count == 0)
                {
                    Print(value);
                }

                return Flow.Normal;
            }

            case IfNode branch:
            {
                // Variables declared in the condition are seen by both branches and die at {{end}}.
                var mark = _variables.Count;
                try
                {
                    var value = EvalPipeline(branch.Condition, dot);
                    if (IsTrue(value))
                    {
                        return Walk(branch.Then, branch.IsWith ? value : dot);
                    }

                    return branch.Else is null ? Flow.Normal : Walk(branch.Else, dot);
                }
                finally
                {
                    Pop(mark);
                }
            }

            case RangeNode range:
            {
                var mark = _variables.Count;
                try
                {
                    return Range(range, dot);
                }
                finally
                {
                    Pop(mark);
                }
            }

            case BreakNode b:
                return b.IsContinue ? Flow.Continue : Flow.Break;
            case TemplateCallNode call:
                Call(call, dot);
                return Flow.Normal;
            default:
                throw new TemplateException("template: unknown node");
        }
    }

    private void Print(object? value)
    {
        switch (value)
        {
            case string s:
                _output.Append(s);
                break;
            case ITemplateData data:
                _output.Append(GoFormat.Value(data.ToMap()));
                break;
            default:
                // A nil or missing value prints as Go's "<no value>".
                _output.Append(GoFormat.Value(value));
                break;
        }
    }

    /// <summary>
    /// <c>{{template "name" pipeline}}</c>: the body runs with dot set to the pipeline's value and
    /// no variables but <c>$</c> (Go: "no dynamic scoping"); variables the pipeline declares stay with the caller.
    /// </summary>
    private void Call(TemplateCallNode call, object? dot)
    {
        if (!_template.Definitions.TryGetValue(call.Name, out var body))
        {
            throw new TemplateException($"template: template \"{call.Name}\" not defined");
        }

        var calledDot = call.Pipeline is null ? null : EvalPipeline(call.Pipeline, dot);
        var frame = _frame;
        var mark = _variables.Count;
        _variables.Add(("$", calledDot));
        _frame = mark;
        try
        {
            Walk(body, calledDot);
        }
        finally
        {
            Pop(mark);
            _frame = frame;
        }
    }

    private Flow Range(RangeNode range, object? dot)
    {
        var any = false;
        switch (Materialize(EvalPipeline(range.Source, dot)))
        {
            case List<object?> list:
                for (var i = 0; i < list.Count; i++)
                {
                    any = true;
                    if (Iterate(range, range.KeyVariable is null ? null : (long)i, list[i]) == Flow.Break)
                    {
                        break;
                    }
                }

                break;
            case Dictionary<string, object?> map:
                any = map.Count > 0;
                RangeSorted(range, map);
                break;
            case long n:
                // Go 1.22: an integer n ranges over 0..n-1, with one variable at most.
                if (range.KeyVariable is not null)
                {
                    throw new TemplateException($"template: can't use {n} to iterate over more than one variable");
                }

                for (var i = 0L; i < n; i++)
                {
                    any = true;
                    if (Iterate(range, null, i) == Flow.Break)
                    {
                        break;
                    }
                }

                break;
            case null or "":
                break;
            case var other:
                throw new TemplateException($"template: range can't iterate over {GoFormat.Value(other)}");
        }

        if (!any && range.Else is not null)
        {
            return Walk(range.Else, dot);
        }

        return Flow.Normal;
    }

    /// <summary>Go visits a map in sorted key order.</summary>
    private void RangeSorted(RangeNode range, Dictionary<string, object?> map)
    {
        var keys = ArrayPool<string>.Shared.Rent(map.Count);
        try
        {
            map.Keys.CopyTo(keys, 0);
            Array.Sort(keys, 0, map.Count, StringComparer.Ordinal);
            for (var i = 0; i < map.Count; i++)
            {
                if (Iterate(range, keys[i], map[keys[i]]) == Flow.Break)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<string>.Shared.Return(keys, clearArray: true);
        }
    }

    private Flow Iterate(RangeNode range, object? key, object? value)
    {
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
        Pop(mark);
        return flow;
    }

    private void Pop(int mark) => _variables.RemoveRange(mark, _variables.Count - mark);

    private int FindVariable(string name)
    {
        for (var i = _variables.Count - 1; i >= _frame; i--)
        {
            if (_variables[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    private object? EvalPipeline(TemplatePipeline pipeline, object? dot)
    {
        object? value = null;
        var hasValue = false;
        foreach (var command in pipeline.Commands)
        {
            value = EvalCommand(command, dot, value, hasValue);
            hasValue = true;
        }

        foreach (var variable in pipeline.Variables)
        {
            if (pipeline.IsAssignment)
            {
                var index = FindVariable(variable);
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
            var args = RentArguments();
            for (var i = 1; i < command.Operands.Count; i++)
            {
                args.Add(Materialize(EvalOperand(command.Operands[i], dot)));
            }

            if (hasPiped)
            {
                args.Add(Materialize(piped));
            }

            return CallFunction(function.Name, args);
        }

        if (command.Operands.Count > 1 || hasPiped)
        {
            throw new TemplateException($"template: can't give argument to non-function {Describe(first)}");
        }

        return EvalOperand(first, dot);
    }

    /// <summary>
    /// Calls a function and takes back its argument list. Like Go's template engine, which turns a
    /// function's panic into an execution error, a failing .NET call becomes a <see cref="TemplateException"/>.
    /// </summary>
    private object? CallFunction(string name, List<object?> args)
    {
        try
        {
            var result = TemplateFunctions.Call(name, args, _context);
            ReturnArguments(args);
            return result;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IndexOutOfRangeException or InvalidCastException
            or OverflowException or RegexMatchTimeoutException or CryptographicException)
        {
            throw new TemplateException($"template: error calling {name}: {e.Message}");
        }
    }

    private List<object?> RentArguments() => _argumentLists.TryPop(out var list) ? list : new List<object?>(4);

    private void ReturnArguments(List<object?> list)
    {
        list.Clear();
        _argumentLists.Push(list);
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
                return CallFunction(f.Name, RentArguments());

            case PipelineOperand p:
                return Field(EvalPipeline(p.Pipeline, dot), p.Path);
            case FieldOperand field:
            {
                var root = dot;
                if (field.Variable is not null)
                {
                    var index = FindVariable(field.Variable);
                    if (index < 0)
                    {
                        throw new TemplateException($"template: undefined variable \"{field.Variable}\"");
                    }

                    root = _variables[index].Value;
                }

                return Field(root, field.Path);
            }

            default:
                throw new TemplateException("template: unknown operand");
        }
    }

    private static object? Field(object? value, string[] path)
    {
        foreach (var name in path)
        {
            value = value switch
            {
                ITemplateData data => data.TryGetField(name, out var field) ? field : null,
                Dictionary<string, object?> map => map.GetValueOrDefault(name),
                null => null,
                _ => throw new TemplateException($"template: can't evaluate field {name} in type {value.GetType().Name}"),
            };
        }

        return value;
    }

    /// <summary>Data handed over by reference becomes a map only where a function, range or print needs one.</summary>
    private static object? Materialize(object? value) => value is ITemplateData data ? data.ToMap() : value;

    private static bool IsTrue(object? value) => value is ITemplateData data ? data.ToMap().Count > 0 : TemplateFunctions.Truth(value);
}
