using System.Text;
using Runestone.LogQL.Templates;

namespace Runestone.LogQL.Log;

/// <summary><c>| line_format "{{...}}"</c>: replaces the line with the rendered template.</summary>
internal sealed class LineFormatStep(TemplateProgram template) : Stage
{
    private readonly StringBuilder _text = new();
    private readonly TemplateContext _context = new();
    private byte[] _buffer = new byte[256];

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        _text.Clear();
        _context.Labels = labels;
        _context.TimestampNs = timestampNs;
        _context.Line = template.UsesLine ? Encoding.UTF8.GetString(line) : string.Empty;
        try
        {
            template.Execute(_text, _context);
        }
        catch (TemplateException e)
        {
            labels.SetError(ErrorNames.TemplateFormat, e.Message);
            return true;
        }

        var max = Encoding.UTF8.GetMaxByteCount(_text.Length);
        if (_buffer.Length < max)
        {
            _buffer = new byte[Math.Max(max, _buffer.Length * 2)];
        }

        var n = 0;
        foreach (var chunk in _text.GetChunks())
        {
            n += Encoding.UTF8.GetBytes(chunk.Span, _buffer.AsSpan(n));
        }

        line = _buffer.AsSpan(0, n);
        return true;
    }
}
