using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Runestone.Core.Labels;

namespace Runestone.Protocol.Push;

/// <summary>
/// Reads Loki's JSON push body with <see cref="Utf8JsonReader"/>. Lines are unescaped into one
/// pooled buffer no larger than the body (an unescaped JSON string is never longer than its
/// escaped form), so the only allocations are per stream and per structured-metadata pair.
/// </summary>
internal ref struct JsonPushParser
{
    private Utf8JsonReader _reader;
    private readonly byte[] _buffer;
    private int _used;
    private EntryBuffer _entries;
    private long _totalBytes;
    private int _stream;
    private int _entry;
    private List<LabelPair>? _scratch;

    private JsonPushParser(ReadOnlySpan<byte> json, byte[] buffer)
    {
        _reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        _buffer = buffer;
        _stream = -1;
        _entry = -1;
    }

    public static bool TryParse(ReadOnlySpan<byte> json, out PushRequest? request, out string? error)
    {
        var parser = new JsonPushParser(json, ArrayPool<byte>.Shared.Rent(Math.Max(1, json.Length)));
        var streams = new List<PushStream>();
        bool ok;
        try
        {
            ok = parser.TryParseBody(streams, out error);
        }
        catch (JsonException ex)
        {
            ok = false;
            error = $"invalid JSON{parser.Where()}: {PushDecoder.OneLine(ex.Message)}";
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader refuses to transcode invalid UTF-8 in names and values it must unescape.
            ok = false;
            error = $"invalid JSON{parser.Where()}: {PushDecoder.OneLine(ex.Message)}";
        }

        if (!ok)
        {
            ArrayPool<byte>.Shared.Return(parser._buffer);
            parser._entries.Release();
            request = null;
            return false;
        }

        var count = parser._entries.Count;
        request = new PushRequest(parser._buffer, parser._entries.Detach(), streams, parser._totalBytes, count);
        return true;
    }

    private readonly string Where() => _stream < 0 ? string.Empty : _entry < 0 ? $" in stream {_stream}" : $" in stream {_stream} entry {_entry}";

    private bool TryParseBody(List<PushStream> streams, out string? error)
    {
        if (!_reader.Read() || _reader.TokenType != JsonTokenType.StartObject)
        {
            error = "JSON push body must be an object like {\"streams\":[...]}";
            return false;
        }

        var sawStreams = false;
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!_reader.ValueTextEquals("streams"u8))
            {
                _reader.Read();
                _reader.Skip();
                continue;
            }

            sawStreams = true;
            _reader.Read();
            if (_reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (_reader.TokenType != JsonTokenType.StartArray)
            {
                error = "\"streams\" must be an array";
                return false;
            }

            while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
            {
                _stream = streams.Count;
                _entry = -1;
                if (_reader.TokenType != JsonTokenType.StartObject)
                {
                    error = $"stream {_stream}: must be an object with \"stream\" and \"values\"";
                    return false;
                }

                if (!TryParseStream(out var stream, out error))
                {
                    return false;
                }

                streams.Add(stream!);
            }
        }

        _stream = -1;
        if (!sawStreams)
        {
            error = "JSON push body has no \"streams\" field";
            return false;
        }

        // Reject trailing garbage after the top-level object.
        if (_reader.Read())
        {
            error = $"unexpected content after the JSON object at byte {_reader.TokenStartIndex}";
            return false;
        }

        error = null;
        return true;
    }

    private bool TryParseStream(out PushStream? stream, out string? error)
    {
        stream = null;
        var first = _entries.Count;
        var labels = "{}";
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_reader.ValueTextEquals("stream"u8))
            {
                _reader.Read();
                if (!TryReadStringMap("label", out var pairs, out error))
                {
                    return false;
                }

                labels = pairs is null ? "{}" : LabelSet.FromList(pairs).ToString();
            }
            else if (_reader.ValueTextEquals("values"u8))
            {
                _reader.Read();
                if (_reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (_reader.TokenType != JsonTokenType.StartArray)
                {
                    error = $"stream {_stream}: \"values\" must be an array of [timestamp, line] arrays";
                    return false;
                }

                while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
                {
                    _entry = _entries.Count - first;
                    if (!TryParseEntry(out error))
                    {
                        return false;
                    }
                }

                _entry = -1;
            }
            else
            {
                _reader.Read();
                _reader.Skip();
            }
        }

        stream = new PushStream(labels, first, _entries.Count - first);
        error = null;
        return true;
    }

    private bool TryParseEntry(out string? error)
    {
        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            error = $"stream {_stream} entry {_entry}: must be an array [\"<unix nanoseconds>\", \"<line>\"]";
            return false;
        }

        _reader.Read();
        if (!TryReadTimestamp(out var timestamp))
        {
            error = $"stream {_stream} entry {_entry}: timestamp is not a number of Unix nanoseconds";
            return false;
        }

        _reader.Read();
        if (_reader.TokenType != JsonTokenType.String)
        {
            error = $"stream {_stream} entry {_entry}: line must be a string";
            return false;
        }

        var start = _used;
        _used += _reader.ValueIsEscaped ? _reader.CopyString(_buffer.AsSpan(_used)) : CopyRaw();
        var line = new ReadOnlyMemory<byte>(_buffer, start, _used - start);

        LabelPair[]? metadata = null;
        _reader.Read();
        if (_reader.TokenType != JsonTokenType.EndArray)
        {
            if (!TryReadStringMap("structured metadata", out var pairs, out error))
            {
                return false;
            }

            metadata = pairs is { Count: > 0 } ? [.. pairs] : null;
            _reader.Read();
            if (_reader.TokenType != JsonTokenType.EndArray)
            {
                error = $"stream {_stream} entry {_entry}: expected at most 3 elements [timestamp, line, metadata]";
                return false;
            }
        }

        _totalBytes += line.Length;
        _entries.Add(new PushEntry(timestamp, line, metadata));
        error = null;
        return true;
    }

    private int CopyRaw()
    {
        _reader.ValueSpan.CopyTo(_buffer.AsSpan(_used));
        return _reader.ValueSpan.Length;
    }

    private bool TryReadTimestamp(out long timestamp)
    {
        timestamp = 0;
        if (_reader.TokenType == JsonTokenType.Number)
        {
            return _reader.TryGetInt64(out timestamp);
        }

        if (_reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        Span<byte> scratch = stackalloc byte[32];
        scoped ReadOnlySpan<byte> digits;
        if (_reader.ValueIsEscaped)
        {
            if (_reader.ValueSpan.Length > 6 * scratch.Length)
            {
                return false;
            }

            var n = 0;
            try
            {
                n = _reader.CopyString(scratch);
            }
            catch (ArgumentException)
            {
                return false;
            }

            digits = scratch[..n];
        }
        else
        {
            digits = _reader.ValueSpan;
        }

        return Utf8Parser.TryParse(digits, out timestamp, out var consumed) && consumed == digits.Length && digits.Length > 0;
    }

    /// <summary>Reads <c>{"k":"v",...}</c> (or null) at the current token into the scratch list.</summary>
    private bool TryReadStringMap(string what, out List<LabelPair>? pairs, out string? error)
    {
        pairs = null;
        error = null;
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        var where = _entry < 0 ? $"stream {_stream}" : $"stream {_stream} entry {_entry}";
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            error = $"{where}: {what}s must be an object of string values";
            return false;
        }

        pairs = _scratch ??= [];
        pairs.Clear();
        while (_reader.Read() && _reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = _reader.GetString()!;
            _reader.Read();
            if (_reader.TokenType != JsonTokenType.String)
            {
                error = $"{where}: {what} '{name}' must have a string value, got {_reader.TokenType}";
                return false;
            }

            pairs.Add(new LabelPair(name, _reader.GetString()!));
        }

        return true;
    }
}
