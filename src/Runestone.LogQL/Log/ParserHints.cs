namespace Runestone.LogQL.Log;

/// <summary>
/// When a parser may stop reading a line: Loki's parser hints stop once every label the query
/// needs is extracted (errFoundAllLabels). A needed label the entry already carries when the
/// parser starts (a stream label such as <c>namespace</c> in <c>by (namespace)</c>, or one an
/// earlier parser set) is not waited for: this line cannot supply it under that name. Reserved
/// <c>__</c> names never come from a line either. One per parser stage instance (not shared).
/// </summary>
internal sealed class ParserHints
{
    private readonly string[] _names;
    private readonly bool[] _pending;
    private int _remaining;

    private ParserHints(string[] names)
    {
        _names = names;
        _pending = new bool[names.Length];
    }

    /// <summary>Null when there are no hints (every label matters, so parsing never stops early).</summary>
    public static ParserHints? From(IReadOnlySet<string>? hints)
    {
        if (hints is null)
        {
            return null;
        }

        var names = new List<string>(hints.Count);
        foreach (var name in hints)
        {
            if (!name.StartsWith("__", StringComparison.Ordinal))
            {
                names.Add(name);
            }
        }

        return new ParserHints([.. names]);
    }

    /// <summary>Starts a line: every hinted label the entry does not carry yet is awaited.</summary>
    public void Begin(LabelsBuilder labels)
    {
        _remaining = 0;
        for (var i = 0; i < _names.Length; i++)
        {
            _pending[i] = !labels.Has(_names[i]);
            if (_pending[i])
            {
                _remaining++;
            }
        }
    }

    /// <summary>Records a label the parser set; true when nothing awaited is left (stop reading).</summary>
    public bool Extracted(string? name)
    {
        if (name is null || _remaining == 0)
        {
            return false;
        }

        for (var i = 0; i < _names.Length; i++)
        {
            if (_pending[i] && (ReferenceEquals(_names[i], name) || _names[i] == name))
            {
                _pending[i] = false;
                return --_remaining == 0;
            }
        }

        return false;
    }
}
