using System.Buffers.Binary;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>
/// The bytes a line template is made of: the line's static text, with each variable replaced by
/// a marker byte, and the rules that decide what is a variable. Shared by the encoder and the
/// decoder, which must agree byte for byte. See docs/storage.md, "Template blocks".
/// </summary>
internal static class TemplateSyntax
{
    /// <summary>A run of decimal digits; its value goes to a number column.</summary>
    public const byte Number = 1;

    /// <summary>A lowercase hex word; a length byte follows; its nibbles go to a column.</summary>
    public const byte Hex = 2;

    /// <summary>An uppercase hex word; a length byte follows; its nibbles go to a column.</summary>
    public const byte HexUpper = 3;

    /// <summary>The next template byte is literal text that happens to be a marker value.</summary>
    public const byte Escape = 4;

    /// <summary>Digits a number variable holds at most (below 10^18, so value and flags fit a long).</summary>
    public const int MaxNumberDigits = 18;

    /// <summary>Shortest and longest word taken as a hex variable.</summary>
    public const int MinHexLength = 4;

    public const int MaxHexLength = 255;

    /// <summary>How many template bytes before a variable name its column.</summary>
    public const int ContextBytes = 6;

    /// <summary>
    /// Every byte a variable's text can hold (digits, hex letters), plus the marker bytes, which
    /// stand escaped in templates: a literal's runs without them are verbatim template text.
    /// </summary>
    public static readonly SearchValues<byte> VariableBytes = SearchValues.Create("\u0001\u0002\u0003\u00040123456789abcdefABCDEF"u8);

    public static readonly SearchValues<byte> Markers = SearchValues.Create([Number, Hex, HexUpper, Escape]);

    /// <summary>Bytes that can start something other than plain static text.</summary>
    public static readonly SearchValues<byte> MarkersAndDigits = SearchValues.Create("\u0001\u0002\u0003\u00040123456789"u8);

    /// <summary>
    /// <see cref="Hex"/> or <see cref="HexUpper"/> when the whole word is a hex variable (one case
    /// of a-f, at least one digit and one letter, 4 to 255 characters), else 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static byte HexKind(ReadOnlySpan<byte> word)
    {
        if (word.Length < MinHexLength || word.Length > MaxHexLength)
        {
            return 0;
        }

        bool digit = false, lower = false, upper = false;
        foreach (var c in word)
        {
            if (IsDigit(c))
            {
                digit = true;
            }
            else if ((uint)(c - 'a') <= 5)
            {
                lower = true;
            }
            else if ((uint)(c - 'A') <= 5)
            {
                upper = true;
            }
            else
            {
                return 0;
            }
        }

        return !digit || lower == upper ? (byte)0 : lower ? Hex : HexUpper;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWord(byte b) => WordBytes[b] != 0;

    // [0-9A-Za-z_]
    private static ReadOnlySpan<byte> WordBytes =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// <summary>
    /// The column key of a variable: the last <see cref="ContextBytes"/> template bytes before it
    /// and its kind. Values that follow the same text ("status=", "\"ms\":") share a column, so a
    /// column holds one field's values whatever template the line has.
    /// </summary>
    public static ulong ContextKey(ReadOnlySpan<byte> templateSoFar, byte kind)
    {
        var n = templateSoFar.Length;
        if (n >= 8)
        {
            // The last six bytes in one load: the same value as the loop below.
            var last = BinaryPrimitives.ReadUInt64BigEndian(templateSoFar[(n - 8)..]) & 0xFFFF_FFFF_FFFF;
            return ((ulong)kind << 48) | last | ((ulong)ContextBytes << 59);
        }

        var start = Math.Max(0, n - ContextBytes);
        ulong key = kind;
        for (var i = start; i < n; i++)
        {
            key = (key << 8) | templateSoFar[i];
        }

        return key | ((ulong)(n - start) << 59);
    }
}
