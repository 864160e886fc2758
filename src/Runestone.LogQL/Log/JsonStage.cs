using System.Text.Json;

namespace Runestone.LogQL.Log;

/// <summary>
/// <c>| json</c> without parameters: every field of the line's JSON object becomes a label,
/// nested objects flattened with <c>_</c>, arrays skipped, reading the UTF-8 bytes directly.
/// With hints it stops reading a line once every hinted label is extracted, as Loki's parser
/// does, so a malformed tail after them goes unreported.
/// </summary>
internal sealed class JsonStage(IReadOnlySet<string>? hints = null) : Stage
{
    private readonly NameCache _names = new(hints);
    private readonly ValueCache _values = new();
    private readonly ExtractedLabels _extracted = new();
    private readonly ParserHints? _hints = ParserHints.From(hints);
    private byte[] _prefix = new byte[128];
    private byte[] _scratch = new byte[256];

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        _extracted.Begin();
        _hints?.Begin(labels);
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                labels.SetError(ErrorNames.Json, "expecting a JSON object");
                return true;
            }

            ReadObject(ref reader, labels, 0);
        }
        catch (JsonException e)
        {
            labels.SetError(ErrorNames.Json, e.Message);
        }

        return true;
    }

    /// <summary>Reads one object's members; returns true when every required label is extracted.</summary>
    private bool ReadObject(ref Utf8JsonReader reader, LabelsBuilder labels, int prefixLength)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return false;
            }

            string? added = null;
            var key = Unescaped(ref reader);
            var name = _names.Lookup(_prefix.AsSpan(0, prefixLength), key, out var descend);
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject when !descend:
                    reader.Skip();
                    break;
                case JsonTokenType.StartObject:
                {
                    // The prefix of the nested level is this level's prefix + key + "_".
                    var nested = prefixLength + key.Length + 1;
                    if (_prefix.Length < nested)
                    {
                        Array.Resize(ref _prefix, nested * 2);
                    }

                    key.CopyTo(_prefix.AsSpan(prefixLength));
                    _prefix[nested - 1] = (byte)'_';
                    if (ReadObject(ref reader, labels, nested))
                    {
                        return true;
                    }

                    break;
                }

                case JsonTokenType.StartArray:
                    reader.Skip();
                    break;
                case JsonTokenType.String when name is not null:
                    added = _extracted.Add(labels, name, _values.Get(Unescaped(ref reader)));
                    break;
                case JsonTokenType.Number when name is not null:
                    added = _extracted.Add(labels, name, _values.Get(reader.ValueSpan));
                    break;
                case JsonTokenType.True when name is not null:
                    added = _extracted.Add(labels, name, "true");
                    break;
                case JsonTokenType.False when name is not null:
                    added = _extracted.Add(labels, name, "false");
                    break;
            }

            if (added is not null && _hints is not null && _hints.Extracted(added))
            {
                return true;
            }
        }

        return false;
    }

    private ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        if (_scratch.Length < reader.ValueSpan.Length)
        {
            _scratch = new byte[reader.ValueSpan.Length * 2];
        }

        var n = reader.CopyString(_scratch);
        return _scratch.AsSpan(0, n);
    }
}
