using System.Text.Json;

namespace Runestone.LogQL.Log;

/// <summary>
/// <c>| unpack</c>: the top-level string fields of a JSON object written by Promtail's pack stage
/// become labels, and <c>_entry</c> replaces the line.
/// </summary>
internal sealed class UnpackStage : Stage
{
    private readonly NameCache _names = new();
    private readonly ValueCache _values = new();
    private readonly ExtractedLabels _extracted = new();
    private byte[] _entry = new byte[256];
    private byte[] _scratch = new byte[256];

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        _extracted.Begin();
        var reader = new Utf8JsonReader(line);
        var entryLength = -1;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                labels.SetError(ErrorNames.Json, "expecting a JSON object");
                return true;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isEntry = reader.ValueTextEquals("_entry"u8);
                var name = isEntry ? string.Empty : _names.Get([], Unescaped(ref reader, ref _scratch))!;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }

                if (isEntry)
                {
                    var value = Unescaped(ref reader, ref _scratch);
                    if (_entry.Length < value.Length)
                    {
                        _entry = new byte[value.Length * 2];
                    }

                    value.CopyTo(_entry);
                    entryLength = value.Length;
                }
                else
                {
                    _extracted.Add(labels, name, _values.Get(Unescaped(ref reader, ref _scratch)));
                }
            }
        }
        catch (JsonException e)
        {
            labels.SetError(ErrorNames.Json, e.Message);
            return true;
        }

        if (entryLength >= 0)
        {
            line = _entry.AsSpan(0, entryLength);
        }

        return true;
    }

    private static ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader, ref byte[] scratch)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        if (scratch.Length < reader.ValueSpan.Length)
        {
            scratch = new byte[reader.ValueSpan.Length * 2];
        }

        var n = reader.CopyString(scratch);
        return scratch.AsSpan(0, n);
    }
}
