namespace Runestone.LogQL.Templates;

/// <summary>Nodes of a parsed Go text/template.</summary>
internal abstract record TemplateNode;

internal sealed record TextNode(string Text) : TemplateNode;

internal sealed record ActionNode(TemplatePipeline Pipeline) : TemplateNode;

internal sealed record IfNode(TemplatePipeline Condition, List<TemplateNode> Then, List<TemplateNode>? Else, bool IsWith) : TemplateNode;

internal sealed record RangeNode(TemplatePipeline Source, string? KeyVariable, string? ValueVariable, List<TemplateNode> Body, List<TemplateNode>? Else) : TemplateNode;

internal sealed record BreakNode(bool IsContinue) : TemplateNode;

/// <summary><c>{{template "name" pipeline}}</c> (and the call half of <c>{{block}}</c>); no pipeline means a nil dot.</summary>
internal sealed record TemplateCallNode(string Name, TemplatePipeline? Pipeline) : TemplateNode;

/// <summary>A parsed template: the main body and the bodies named by <c>define</c>/<c>block</c>.</summary>
internal sealed record ParsedTemplate(List<TemplateNode> Main, Dictionary<string, List<TemplateNode>> Definitions);

/// <summary><c>$x := a | b c</c>: declared (or assigned) variables and the commands.</summary>
internal sealed record TemplatePipeline(List<string> Variables, bool IsAssignment, List<TemplateCommand> Commands);

internal sealed record TemplateCommand(List<Operand> Operands);

internal abstract record Operand;

/// <summary><c>.a.b</c> (empty path for <c>.</c>), or <c>$x.a</c> when <see cref="Variable"/> is set.</summary>
internal sealed record FieldOperand(string? Variable, string[] Path) : Operand;

internal sealed record FunctionOperand(string Name) : Operand;

internal sealed record ConstantOperand(object? Value) : Operand;

internal sealed record PipelineOperand(TemplatePipeline Pipeline, string[] Path) : Operand;
