using System.Text;
using Runestone.LogQL.Syntax;
using Runestone.LogQL.Templates;

namespace Runestone.LogQL.Log;

/// <summary>
/// <c>| label_format dst=src, x="{{.a}}"</c>: renames (dropping the source) or sets labels from
/// templates. Templates see the labels as they were before this stage.
/// </summary>
internal sealed class LabelFormatStep : Stage
{
    private readonly (LabelFormatItem Item, TemplateProgram? Template)[] _items;
    private readonly string?[] _values;
    private readonly StringBuilder _text = new();
    private readonly TemplateContext _context = new();

    public LabelFormatStep((LabelFormatItem, TemplateProgram?)[] items)
    {
        _items = items;
        _values = new string?[items.Length];
    }

    public static (LabelFormatItem, TemplateProgram?)[] Compile(LabelFormatStage stage)
    {
        var items = new (LabelFormatItem, TemplateProgram?)[stage.Items.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var item = stage.Items[i];
            items[i] = (item, item.IsTemplate ? TemplateProgram.Compile(item.Value) : null);
        }

        return items;
    }

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        var usesLine = false;
        foreach (var (_, template) in _items)
        {
            usesLine |= template?.UsesLine == true;
        }

        _context.Labels = labels;
        _context.TimestampNs = timestampNs;
        _context.Line = usesLine ? Encoding.UTF8.GetString(line) : string.Empty;
        for (var i = 0; i < _items.Length; i++)
        {
            var (item, template) = _items[i];
            if (template is null)
            {
                _values[i] = labels.TryGet(item.Value, out var v) ? v : null;
                continue;
            }

            _text.Clear();
            try
            {
                template.Execute(_text, _context);
                _values[i] = _text.ToString();
            }
            catch (TemplateException e)
            {
                labels.SetError(ErrorNames.TemplateFormat, e.Message);
                _values[i] = null;
            }
        }

        for (var i = 0; i < _items.Length; i++)
        {
            var (item, template) = _items[i];
            if (template is null)
            {
                if (_values[i] is { } renamed)
                {
                    labels.Delete(item.Value);
                    labels.Set(item.Name, renamed);
                }

                continue;
            }

            if (_values[i] is { } value)
            {
                labels.Set(item.Name, value);
            }
        }

        return true;
    }
}
