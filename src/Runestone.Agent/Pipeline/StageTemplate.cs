using System.Text;
using Runestone.LogQL.Templates;

namespace Runestone.Agent.Pipeline;

/// <summary>
/// A Go template of Promtail's <c>template</c> and <c>replace</c> stages, run by LogQL's template
/// engine with Promtail's functions. The data is the extracted map with <c>.Value</c> and
/// <c>.Entry</c> on top, read in place; an absent key prints <c>&lt;no value&gt;</c> as in Promtail.
/// One instance belongs to one stage, and a pipeline runs one entry at a time.
/// </summary>
public sealed class StageTemplate
{
    private static readonly Dictionary<string, string> s_empty = [];

    private readonly TemplateProgram _program;
    private readonly ExtractedData _data = new();
    private readonly TemplateContext _context = new();
    private readonly StringBuilder _output = new();

    private StageTemplate(TemplateProgram program)
    {
        _program = program;
        _context.Data = _data;
    }

    /// <summary>Compiles <paramref name="text"/>; throws <see cref="TemplateException"/> for a template Go would reject.</summary>
    public static StageTemplate Parse(string text) => new(TemplateProgram.Compile(text, TemplateFunctionSet.Promtail));

    /// <summary>
    /// Renders over <paramref name="extracted"/>, with <c>.Value</c> and <c>.Entry</c> when they are
    /// not null; false when execution fails (Promtail then leaves the entry unchanged).
    /// </summary>
    public bool TryRender(IReadOnlyDictionary<string, string> extracted, string? value, string? entry, out string result)
    {
        _data.Set(extracted, value, entry);
        _output.Clear();
        try
        {
            _program.Execute(_output, _context);
            result = _output.ToString();
            return true;
        }
        catch (TemplateException)
        {
            result = string.Empty;
            return false;
        }
        finally
        {
            _data.Set(s_empty, null, null);
        }
    }

    /// <summary>Promtail's template data: every extracted value, then <c>Value</c> and <c>Entry</c>.</summary>
    private sealed class ExtractedData : ITemplateData
    {
        private IReadOnlyDictionary<string, string> _extracted = s_empty;
        private string? _value;
        private string? _entry;

        public void Set(IReadOnlyDictionary<string, string> extracted, string? value, string? entry)
        {
            _extracted = extracted;
            _value = value;
            _entry = entry;
        }

        public bool TryGetField(string name, out object? value)
        {
            if (name == "Value" && _value is not null)
            {
                value = _value;
                return true;
            }

            if (name == "Entry" && _entry is not null)
            {
                value = _entry;
                return true;
            }

            if (_extracted.TryGetValue(name, out var extracted))
            {
                value = extracted;
                return true;
            }

            value = null;
            return false;
        }

        public Dictionary<string, object?> ToMap()
        {
            var map = new Dictionary<string, object?>(_extracted.Count + 2, StringComparer.Ordinal);
            foreach (var (key, value) in _extracted)
            {
                map[key] = value;
            }

            if (_value is not null)
            {
                map["Value"] = _value;
            }

            if (_entry is not null)
            {
                map["Entry"] = _entry;
            }

            return map;
        }
    }
}
