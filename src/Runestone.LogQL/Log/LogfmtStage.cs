using System.Text;

namespace Runestone.LogQL.Log;

/// <summary>
/// <c>| logfmt</c>: <c>key=value key2="quoted \"value\""</c> pairs become labels. Without
/// <c>--strict</c> malformed pairs are skipped; with it the first one stops parsing with
/// <c>__error__=LogfmtParserErr</c>. Standalone keys are kept (empty) only with <c>--keep-empty</c>
/// or when requested by name. With parameters only the requested keys are extracted, renamed.
/// </summary>
internal sealed class LogfmtStage : Stage
{
    private readonly bool _strict;
    private readonly bool _keepEmpty;
    private readonly (byte[] Key, string Label)[]? _requested;
    private readonly NameCache _names;
    private readonly ValueCache _values = new();
    private readonly ExtractedLabels _extracted = new();
    private readonly ParserHints? _hints;

    // Lines of one stream usually repeat their keys in the same order: the key seen at each
    // position of the previous lines and its label name, checked with one comparison before
    // hashing the key for the name cache.
    private readonly byte[]?[] _keyAt = new byte[]?[16];
    private readonly string?[] _nameAt = new string?[16];
    private int _keyIndex;
    private byte[] _scratch = new byte[256];

    public LogfmtStage(bool strict, bool keepEmpty, IReadOnlyList<Syntax.LabelExtraction> parameters, IReadOnlySet<string>? hints = null)
    {
        _names = new NameCache(hints);
        // Parameters name their own labels, which hints do not count: no early stop then.
        _hints = parameters.Count > 0 ? null : ParserHints.From(hints);
        _strict = strict;
        _keepEmpty = keepEmpty;
        if (parameters.Count > 0)
        {
            _requested = new (byte[], string)[parameters.Count];
            for (var i = 0; i < parameters.Count; i++)
            {
                _requested[i] = (Encoding.UTF8.GetBytes(parameters[i].Expression), parameters[i].Name);
            }
        }
    }

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        _extracted.Begin();
        _hints?.Begin(labels);
        _keyIndex = 0;
        var pos = 0;
        while (true)
        {
            while (pos < line.Length && line[pos] <= (byte)' ')
            {
                pos++;
            }

            if (pos >= line.Length)
            {
                return true;
            }

            var keyStart = pos;
            while (pos < line.Length && line[pos] > (byte)' ' && line[pos] != (byte)'=' && line[pos] != (byte)'"')
            {
                pos++;
            }

            var key = line[keyStart..pos];
            if (key.IsEmpty || (pos < line.Length && line[pos] == (byte)'"'))
            {
                if (Malformed(labels, pos, key.IsEmpty ? "unexpected '" + (char)line[pos] + "'" : "unexpected '\"' in key"))
                {
                    return true;
                }

                pos = SkipToSpace(line, pos);
                continue;
            }

            if (pos >= line.Length || line[pos] != (byte)'=')
            {
                AddEmpty(labels, key);
                continue;
            }

            pos++; // '='
            if (pos >= line.Length || line[pos] <= (byte)' ')
            {
                AddEmpty(labels, key);
                continue;
            }

            if (line[pos] == (byte)'"')
            {
                if (!TryReadQuoted(line, ref pos, out var quoted))
                {
                    Malformed(labels, pos, "unterminated quoted value");
                    return true;
                }

                if (Add(labels, key, quoted))
                {
                    return true;
                }

                continue;
            }

            var valueStart = pos;
            var bad = false;
            while (pos < line.Length && line[pos] > (byte)' ')
            {
                bad |= line[pos] is (byte)'=' or (byte)'"';
                pos++;
            }

            if (bad)
            {
                if (Malformed(labels, valueStart, "unexpected '=' or '\"' in value"))
                {
                    return true;
                }

                continue;
            }

            if (Add(labels, key, line[valueStart..pos]))
            {
                return true;
            }
        }
    }

    private static int SkipToSpace(ReadOnlySpan<byte> line, int pos)
    {
        while (pos < line.Length && line[pos] > (byte)' ')
        {
            pos++;
        }

        return pos;
    }

    /// <summary>Records a malformed pair; returns true when parsing must stop (strict mode).</summary>
    private bool Malformed(LabelsBuilder labels, int pos, string what)
    {
        if (!_strict)
        {
            return false;
        }

        labels.SetError(ErrorNames.Logfmt, $"logfmt syntax error at pos {pos + 1} : {what}");
        return true;
    }

    private void AddEmpty(LabelsBuilder labels, ReadOnlySpan<byte> key)
    {
        if (_requested is not null)
        {
            Add(labels, key, []);
        }
        else if (_keepEmpty)
        {
            if (NameAt(key) is { } name)
            {
                _extracted.Add(labels, name, string.Empty);
            }
        }
    }

    /// <summary>Adds the pair; returns true when the hinted labels are all extracted (stop reading).</summary>
    private bool Add(LabelsBuilder labels, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_requested is null)
        {
            if (NameAt(key) is not { } name)
            {
                return false;
            }

            var added = _extracted.Add(labels, name, _values.Get(value));
            return _hints is not null && _hints.Extracted(added);
        }

        foreach (var (requestedKey, label) in _requested)
        {
            if (key.SequenceEqual(requestedKey))
            {
                _extracted.Add(labels, label, _values.Get(value));
            }
        }

        return false;
    }

    /// <summary>The label name of the line's next key (null when hints do not need it).</summary>
    private string? NameAt(ReadOnlySpan<byte> key)
    {
        var i = _keyIndex++;
        if (i >= _keyAt.Length)
        {
            return _names.Get([], key);
        }

        if (_keyAt[i] is { } seen && key.SequenceEqual(seen))
        {
            return _nameAt[i];
        }

        var name = _names.Get([], key);
        if (_keyAt[i] is { } reuse && reuse.Length == key.Length)
        {
            key.CopyTo(reuse);
        }
        else
        {
            _keyAt[i] = key.ToArray();
        }

        _nameAt[i] = name;
        return name;
    }

    private bool TryReadQuoted(ReadOnlySpan<byte> line, ref int pos, out ReadOnlySpan<byte> value)
    {
        var start = ++pos;
        var escaped = false;
        while (pos < line.Length)
        {
            var b = line[pos];
            if (b == (byte)'\\')
            {
                escaped = true;
                pos += 2;
                continue;
            }

            if (b == (byte)'"')
            {
                value = line[start..pos];
                pos++;
                if (escaped)
                {
                    value = Unescape(value);
                }

                return true;
            }

            pos++;
        }

        value = default;
        return false;
    }

    private ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> raw)
    {
        if (_scratch.Length < raw.Length * 3)
        {
            _scratch = new byte[raw.Length * 3];
        }

        var n = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b != (byte)'\\' || i + 1 >= raw.Length)
            {
                _scratch[n++] = b;
                continue;
            }

            var e = raw[++i];
            switch (e)
            {
                case (byte)'n': _scratch[n++] = (byte)'\n'; break;
                case (byte)'t': _scratch[n++] = (byte)'\t'; break;
                case (byte)'r': _scratch[n++] = (byte)'\r'; break;
                case (byte)'u' when i + 4 < raw.Length && int.TryParse(Encoding.ASCII.GetString(raw.Slice(i + 1, 4)), System.Globalization.NumberStyles.HexNumber, null, out var code):
                    n += Encoding.UTF8.GetBytes(((char)code).ToString(), _scratch.AsSpan(n));
                    i += 4;
                    break;
                default: _scratch[n++] = e; break;
            }
        }

        return _scratch.AsSpan(0, n);
    }
}
