using System.Text;

namespace Runestone.LogQL.Templates;

/// <summary>
/// A compiled Go text/template: LogQL's <c>line_format</c>/<c>label_format</c> and Promtail's
/// <c>template</c>/<c>replace</c> stages. Immutable; safe to share across threads.
/// </summary>
public sealed class TemplateProgram
{
    private readonly ParsedTemplate _template;

    private TemplateProgram(ParsedTemplate template, bool usesLine, string? constant)
    {
        _template = template;
        UsesLine = usesLine;
        Constant = constant;
    }

    /// <summary>True when the template calls <c>__line__</c> (the stage then decodes the line for it).</summary>
    public bool UsesLine { get; }

    /// <summary>The output when the template has no actions at all.</summary>
    public string? Constant { get; }

    /// <summary>Compiles with LogQL's functions.</summary>
    public static TemplateProgram Compile(string text) => Compile(text, TemplateFunctionSet.Loki);

    /// <summary>Compiles a template that may call the functions of <paramref name="functions"/>; throws <see cref="TemplateException"/>.</summary>
    public static TemplateProgram Compile(string text, TemplateFunctionSet functions)
    {
        var template = TemplateParser.Parse(text, functions);
        var usesLine = text.Contains("__line__", StringComparison.Ordinal);
        return new TemplateProgram(template, usesLine, ConstantText(template.Main));
    }

    private static string? ConstantText(List<TemplateNode> nodes)
    {
        var sb = new StringBuilder();
        foreach (var node in nodes)
        {
            if (node is not TextNode text)
            {
                return null;
            }

            sb.Append(text.Text);
        }

        return sb.ToString();
    }

    /// <summary>Renders into <paramref name="output"/>; throws <see cref="TemplateException"/> on execution errors.</summary>
    public void Execute(StringBuilder output, TemplateContext context)
    {
        if (Constant is not null)
        {
            output.Append(Constant);
            return;
        }

        var runner = context.Runner ??= new TemplateRunner();
        runner.Run(_template, context, output);
    }
}
