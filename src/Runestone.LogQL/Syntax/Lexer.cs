using System.Globalization;
using System.Text;

namespace Runestone.LogQL.Syntax;

/// <summary>
/// Splits LogQL text into tokens. Strings follow Go's rules: double-quoted with Go escapes, or
/// back-quoted raw. A number followed by a duration or byte unit is one DURATION or BYTES token.
/// <c>#</c> starts a comment to the end of the line.
/// </summary>
internal sealed class Lexer
{
    private readonly string _text;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public Lexer(string text) => _text = text;

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            var token = Next();
            tokens.Add(token);
            if (token.Kind == TokenKind.End)
            {
                return tokens;
            }
        }
    }

    private Token Next()
    {
        SkipSpaceAndComments();
        var line = _line;
        var col = _pos - _lineStart + 1;
        if (_pos >= _text.Length)
        {
            return new Token(TokenKind.End, string.Empty, line, col);
        }

        var c = _text[_pos];
        if (c == '"' || c == '`')
        {
            return new Token(TokenKind.String, ReadString(line, col), line, col);
        }

        if (char.IsAsciiDigit(c) || (c == '.' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1])))
        {
            return ReadNumberLike(line, col);
        }

        if (char.IsAsciiLetter(c) || c == '_')
        {
            var start = _pos;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
            {
                _pos++;
            }

            return new Token(TokenKind.Identifier, _text[start.._pos], line, col);
        }

        var next = _pos + 1 < _text.Length ? _text[_pos + 1] : '\0';
        (TokenKind kind, int length) = (c, next) switch
        {
            ('{', _) => (TokenKind.LeftBrace, 1),
            ('}', _) => (TokenKind.RightBrace, 1),
            ('(', _) => (TokenKind.LeftParen, 1),
            (')', _) => (TokenKind.RightParen, 1),
            ('[', _) => (TokenKind.LeftBracket, 1),
            (']', _) => (TokenKind.RightBracket, 1),
            (',', _) => (TokenKind.Comma, 1),
            ('.', _) => (TokenKind.Dot, 1),
            ('=', '~') => (TokenKind.Re, 2),
            ('=', '=') => (TokenKind.CmpEq, 2),
            ('=', _) => (TokenKind.Eq, 1),
            ('!', '=') => (TokenKind.Neq, 2),
            ('!', '~') => (TokenKind.Nre, 2),
            ('!', '>') => (TokenKind.NotPattern, 2),
            ('|', '=') => (TokenKind.PipeExact, 2),
            ('|', '~') => (TokenKind.PipeMatch, 2),
            ('|', '>') => (TokenKind.PipePattern, 2),
            ('|', _) => (TokenKind.Pipe, 1),
            ('>', '=') => (TokenKind.Gte, 2),
            ('>', _) => (TokenKind.Gt, 1),
            ('<', '=') => (TokenKind.Lte, 2),
            ('<', _) => (TokenKind.Lt, 1),
            ('+', _) => (TokenKind.Add, 1),
            ('-', _) => (TokenKind.Sub, 1),
            ('*', _) => (TokenKind.Mul, 1),
            ('/', _) => (TokenKind.Div, 1),
            ('%', _) => (TokenKind.Mod, 1),
            ('^', _) => (TokenKind.Pow, 1),
            _ => (TokenKind.End, 0),
        };

        if (length == 0)
        {
            throw new ParseException($"syntax error: unexpected character '{c}'", line, col);
        }

        var text = _text.Substring(_pos, length);
        _pos += length;
        return new Token(kind, text, line, col);
    }

    private void SkipSpaceAndComments()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
            }
            else if (char.IsWhiteSpace(c))
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private Token ReadNumberLike(int line, int col)
    {
        var start = _pos;
        if (_text[_pos] == '0' && _pos + 1 < _text.Length && _text[_pos + 1] is 'x' or 'X')
        {
            _pos += 2;
            while (_pos < _text.Length && char.IsAsciiHexDigit(_text[_pos]))
            {
                _pos++;
            }

            var hex = _text[start.._pos];
            return new Token(TokenKind.Number, hex, line, col);
        }

        SkipDecimal();
        var numberEnd = _pos;

        // A unit directly after the number makes a duration (possibly compound, "1h30m") or a byte size.
        if (_pos < _text.Length && (char.IsAsciiLetter(_text[_pos]) || _text[_pos] == 'µ'))
        {
            var unitStart = _pos;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '.' or 'µ'))
            {
                _pos++;
            }

            var whole = _text[start.._pos];
            if (IsDuration(whole))
            {
                return new Token(TokenKind.Duration, whole, line, col);
            }

            if (ByteSize.TryParse(whole, out _))
            {
                return new Token(TokenKind.Bytes, whole, line, col);
            }

            // Not a unit ("1e5" is handled below); back off to the bare number.
            _pos = unitStart;
            if (_text[_pos] is 'e' or 'E')
            {
                var save = _pos;
                _pos++;
                if (_pos < _text.Length && _text[_pos] is '+' or '-')
                {
                    _pos++;
                }

                if (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                {
                    while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                    {
                        _pos++;
                    }

                    return new Token(TokenKind.Number, _text[start.._pos], line, col);
                }

                _pos = save;
            }

            _pos = numberEnd;
        }

        return new Token(TokenKind.Number, _text[start.._pos], line, col);
    }

    private void SkipDecimal()
    {
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }

        if (_pos + 1 < _text.Length && _text[_pos] == '.' && char.IsAsciiDigit(_text[_pos + 1]))
        {
            _pos++;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }
        }
    }

    /// <summary>Go duration syntax with Prometheus' d/w/y: one or more number+unit pairs.</summary>
    internal static bool IsDuration(string text)
    {
        var pos = 0;
        if (text.Length == 0)
        {
            return false;
        }

        while (pos < text.Length)
        {
            var start = pos;
            while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] == '.'))
            {
                pos++;
            }

            if (pos == start)
            {
                return false;
            }

            var unitStart = pos;
            while (pos < text.Length && !char.IsAsciiDigit(text[pos]) && text[pos] != '.')
            {
                pos++;
            }

            var unit = text.AsSpan(unitStart, pos - unitStart);
            if (unit is not ("ns" or "us" or "µs" or "ms" or "s" or "m" or "h" or "d" or "w" or "y"))
            {
                return false;
            }
        }

        return true;
    }

    private string ReadString(int line, int col)
    {
        var quote = _text[_pos++];
        if (quote == '`')
        {
            var end = _text.IndexOf('`', _pos);
            if (end < 0)
            {
                throw new ParseException("literal not terminated", line, col);
            }

            var raw = _text[_pos..end];
            foreach (var ch in raw)
            {
                if (ch == '\n')
                {
                    _line++;
                }
            }

            var lastNewline = raw.LastIndexOf('\n');
            if (lastNewline >= 0)
            {
                _lineStart = _pos + lastNewline + 1;
            }

            _pos = end + 1;
            return raw;
        }

        var sb = new StringBuilder();
        var bytes = new List<byte>();
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
            {
                throw new ParseException("literal not terminated", line, col);
            }

            var c = _text[_pos++];
            if (c == '"')
            {
                FlushBytes(sb, bytes);
                return sb.ToString();
            }

            if (c != '\\')
            {
                FlushBytes(sb, bytes);
                sb.Append(c);
                continue;
            }

            if (_pos >= _text.Length)
            {
                throw new ParseException("literal not terminated", line, col);
            }

            var e = _text[_pos++];
            switch (e)
            {
                case 'a': FlushBytes(sb, bytes); sb.Append('\a'); break;
                case 'b': FlushBytes(sb, bytes); sb.Append('\b'); break;
                case 'f': FlushBytes(sb, bytes); sb.Append('\f'); break;
                case 'n': FlushBytes(sb, bytes); sb.Append('\n'); break;
                case 'r': FlushBytes(sb, bytes); sb.Append('\r'); break;
                case 't': FlushBytes(sb, bytes); sb.Append('\t'); break;
                case 'v': FlushBytes(sb, bytes); sb.Append('\v'); break;
                case '\\': FlushBytes(sb, bytes); sb.Append('\\'); break;
                case '"': FlushBytes(sb, bytes); sb.Append('"'); break;
                case 'x':
                    bytes.Add((byte)ReadHex(2, line, col));
                    break;
                case >= '0' and <= '7':
                    _pos--;
                    var octal = ReadRadix(3, 8, line, col);
                    if (octal > 255)
                    {
                        throw new ParseException("invalid syntax: octal escape value > 255", line, col);
                    }

                    bytes.Add((byte)octal);
                    break;
                case 'u' or 'U':
                {
                    FlushBytes(sb, bytes);
                    var code = ReadHex(e == 'u' ? 4 : 8, line, col);
                    if (code is < 0 or > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
                    {
                        throw new ParseException("invalid syntax: escape sequence is an invalid Unicode code point", line, col);
                    }

                    sb.Append(char.ConvertFromUtf32(code));
                    break;
                }
                default:
                    throw new ParseException($"invalid syntax: unknown escape sequence \\{e}", line, col);
            }
        }
    }

    // \x and octal escapes are bytes in Go; consecutive ones form UTF-8 sequences.
    private static void FlushBytes(StringBuilder sb, List<byte> bytes)
    {
        if (bytes.Count > 0)
        {
            sb.Append(Encoding.UTF8.GetString([.. bytes]));
            bytes.Clear();
        }
    }

    private int ReadHex(int digits, int line, int col) => ReadRadix(digits, 16, line, col);

    private int ReadRadix(int digits, int radix, int line, int col)
    {
        if (_pos + digits > _text.Length)
        {
            throw new ParseException("invalid syntax: bad escape sequence", line, col);
        }

        var span = _text.AsSpan(_pos, digits);
        int value;
        var ok = radix == 16
            ? int.TryParse(span, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : TryParseOctal(span, out value);
        if (!ok)
        {
            throw new ParseException("invalid syntax: bad escape sequence", line, col);
        }

        _pos += digits;
        return value;
    }

    private static bool TryParseOctal(ReadOnlySpan<char> span, out int value)
    {
        value = 0;
        foreach (var c in span)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            value = (value * 8) + (c - '0');
        }

        return true;
    }
}
