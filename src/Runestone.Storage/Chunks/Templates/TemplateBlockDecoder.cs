using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Runestone.Core.Binary;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>
/// Rebuilds the exact raw block (<see cref="BlockFormat"/>) from the three sections written by
/// <see cref="TemplateBlockEncoder"/>. Each template is compiled once per block into segments
/// (static text, then one variable), so a line is a few copies and number writes. One
/// instance per thread; it keeps its buffers. Any inconsistency is an <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class TemplateBlockDecoder
{
    private static ReadOnlySpan<byte> LowerDigits => "0123456789abcdef"u8;

    private static ReadOnlySpan<byte> UpperDigits => "0123456789ABCDEF"u8;

    private readonly ColumnKeys _columnIds = new();
    private int[] _templateOffsets = new int[256];
    private int[] _templateLengths = new int[256];
    private int[] _segmentStart = new int[257];
    private Segment[] _segments = new Segment[2048];
    private byte[] _columnKinds = new byte[64];
    private int[] _columnCursor = new int[64];
    private int[] _columnEnd = new int[64];
    private ulong[] _numbers = new ulong[4096];
    private int[] _lengths = new int[1024];
    private byte[] _lines = new byte[64 * 1024];
    private Segment[] _folded = new Segment[2048];
    private int[] _foldedStart = new int[257];
    private byte[] _static = new byte[16 * 1024];
    private int[] _constantLength = new int[64];
    private byte[] _constantText = new byte[64 * TemplateSyntax.MaxNumberDigits * 2];

    // Room past the block's end for one stride of static text or one number or hex word.
    private const int Slack = 2 * TemplateSyntax.MaxHexLength + 2 * TemplateSyntax.MaxNumberDigits;

    /// <summary>
    /// Decodes the sections into <paramref name="destination"/>, which must be exactly the raw
    /// length. <paramref name="templatesAndAfter"/> starts with the templates section and may run
    /// on (into the columns and beyond): static text is copied in 16-byte strides that can read
    /// past a template's end.
    /// </summary>
    public void Decode(ReadOnlySpan<byte> header, ReadOnlySpan<byte> templatesAndAfter, int templatesLength, ReadOnlySpan<byte> columns, Span<byte> destination)
    {
        var templates = templatesAndAfter[..templatesLength];
        var pos = 0;
        var count = SectionVarint.ReadInt(header, ref pos, destination.Length);
        var tsLength = SectionVarint.ReadInt(header, ref pos, header.Length);
        var timestamps = header.Slice(pos, tsLength);
        var metadata = header[(pos + tsLength)..];

        pos = 0;
        var templateCount = SectionVarint.ReadInt(templates, ref pos, templates.Length);
        if (count > 0 && templateCount == 0)
        {
            throw new InvalidDataException("template block has lines but no templates");
        }

        Ensure(ref _templateOffsets, templateCount);
        Ensure(ref _templateLengths, templateCount);
        for (var t = 0; t < templateCount; t++)
        {
            _templateLengths[t] = SectionVarint.ReadInt(templates, ref pos, templates.Length);
        }

        for (var t = 0; t < templateCount; t++)
        {
            _templateOffsets[t] = pos;
            pos += _templateLengths[t];
        }

        var ids = templates[pos..];
        var columnCount = Compile(templates, templateCount);
        ReadColumns(columns, columnCount);
        FoldConstants(templates, templateCount, columnCount);
        var linesLength = DecodeLines(_static, ids, columns, count, templateCount, destination.Length);

        // Reassemble the raw layout: count, timestamps, lengths, metadata, lines.
        var o = Varint.Write(destination, (ulong)count);
        timestamps.CopyTo(destination[o..]);
        o += timestamps.Length;
        for (var i = 0; i < count; i++)
        {
            o += Varint.Write(destination[o..], (ulong)_lengths[i]);
        }

        metadata.CopyTo(destination[o..]);
        o += metadata.Length;
        _lines.AsSpan(0, linesLength).CopyTo(destination[o..]);
        if (o + linesLength != destination.Length)
        {
            throw new InvalidDataException($"template block decoded to {o + linesLength} bytes, expected {destination.Length}");
        }
    }

    // Splits each template into segments and numbers the columns as the encoder did: in the
    // order their context keys first appear, template by template.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Compile(ReadOnlySpan<byte> templates, int templateCount)
    {
        _columnIds.Clear();
        Ensure(ref _segmentStart, templateCount + 1);
        var segments = 0;
        for (var t = 0; t < templateCount; t++)
        {
            _segmentStart[t] = segments;
            var offset = _templateOffsets[t];
            var template = templates.Slice(offset, _templateLengths[t]);
            var staticStart = 0;
            var j = 0;
            while (true)
            {
                var k = template[j..].IndexOfAny(TemplateSyntax.Markers);
                Ensure(ref _segments, segments + 1);
                if (k < 0)
                {
                    _segments[segments++] = new Segment(offset + staticStart, template.Length - staticStart, 0, 0, 0);
                    break;
                }

                j += k;
                var marker = template[j];
                var staticLength = j - staticStart;
                if (marker == TemplateSyntax.Escape)
                {
                    _segments[segments++] = new Segment(offset + staticStart, staticLength, marker, template[j + 1], 0);
                    j += 2;
                }
                else
                {
                    var column = _columnIds.GetOrAdd(TemplateSyntax.ContextKey(template[..j], marker), out var added);
                    if (added)
                    {
                        Ensure(ref _columnKinds, column + 1);
                        _columnKinds[column] = marker;
                    }

                    var argument = marker == TemplateSyntax.Number ? (byte)0 : template[j + 1];
                    _segments[segments++] = new Segment(offset + staticStart, staticLength, marker, argument, column);
                    j += marker == TemplateSyntax.Number ? 1 : 2;
                }

                staticStart = j;
            }
        }

        _segmentStart[templateCount] = segments;
        return _columnIds.Count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadColumns(ReadOnlySpan<byte> columns, int expected)
    {
        var pos = 0;
        var columnCount = SectionVarint.ReadInt(columns, ref pos, columns.Length);
        if (columnCount != expected)
        {
            throw new InvalidDataException($"template block names {expected} columns, holds {columnCount}");
        }

        Ensure(ref _columnCursor, columnCount);
        Ensure(ref _columnEnd, columnCount);
        var numbers = 0;
        for (var c = 0; c < columnCount; c++)
        {
            if (_columnKinds[c] == TemplateSyntax.Number)
            {
                pos += BitPacking.Read(columns[pos..], ref _numbers, numbers, out var n);
                _columnCursor[c] = numbers;
                numbers += n;
            }
            else
            {
                var length = SectionVarint.ReadInt(columns, ref pos, columns.Length - pos);
                _columnCursor[c] = pos;
                pos += length;
            }

            _columnEnd[c] = _columnKinds[c] == TemplateSyntax.Number ? numbers : pos;
        }

        if (pos != columns.Length)
        {
            throw new InvalidDataException("template block column section has trailing bytes");
        }
    }

    // A number column with one value in the whole block (a year, "HTTP/1.1", a time zone) is
    // written into the static text once here instead of on every line. The static text of every
    // template is copied into one buffer (with a vector's width of room after it) so that the
    // line loop copies runs that may now span several of the template's segments.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FoldConstants(ReadOnlySpan<byte> templates, int templateCount, int columnCount)
    {
        Ensure(ref _constantLength, columnCount);
        Ensure(ref _constantText, columnCount * TemplateSyntax.MaxNumberDigits * 2);
        var constants = 0;
        for (var c = 0; c < columnCount; c++)
        {
            _constantLength[c] = -1;
            if (_columnKinds[c] != TemplateSyntax.Number || _columnCursor[c] >= _columnEnd[c])
            {
                continue;
            }

            var values = _numbers.AsSpan(_columnCursor[c], _columnEnd[c] - _columnCursor[c]);
            var first = values[0];
            if ((first & 3) == 3 || values.ContainsAnyExcept(first))
            {
                continue;
            }

            var text = _constantText.AsSpan(c * TemplateSyntax.MaxNumberDigits * 2, TemplateSyntax.MaxNumberDigits * 2);
            _constantLength[c] = NumberText.Write(text, first >> 2, (int)(first & 3));
            constants++;
        }

        var segmentCount = _segmentStart[templateCount];
        Ensure(ref _folded, segmentCount);
        Ensure(ref _foldedStart, templateCount + 1);
        Ensure(ref _static, templates.Length + (constants > 0 ? segmentCount * TemplateSyntax.MaxNumberDigits * 2 : 0) + Vector128<byte>.Count);
        var staticBuffer = _static.AsSpan();
        var staticPos = 0;
        var folded = 0;
        for (var t = 0; t < templateCount; t++)
        {
            _foldedStart[t] = folded;
            var runStart = staticPos;
            for (var s = _segmentStart[t]; s < _segmentStart[t + 1]; s++)
            {
                ref readonly var segment = ref _segments[s];
                templates.Slice(segment.StaticStart, segment.StaticLength).CopyTo(staticBuffer[staticPos..]);
                staticPos += segment.StaticLength;
                if (segment.Kind == TemplateSyntax.Number && _constantLength[segment.Column] >= 0)
                {
                    var length = _constantLength[segment.Column];
                    _constantText.AsSpan(segment.Column * TemplateSyntax.MaxNumberDigits * 2, length).CopyTo(staticBuffer[staticPos..]);
                    staticPos += length;
                    continue;
                }

                _folded[folded++] = segment with { StaticStart = runStart, StaticLength = staticPos - runStart };
                runStart = staticPos;
            }
        }

        _foldedStart[templateCount] = folded;
        staticBuffer.Slice(staticPos, Vector128<byte>.Count).Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DecodeLines(ReadOnlySpan<byte> source, ReadOnlySpan<byte> ids, ReadOnlySpan<byte> columns, int count, int templateCount, int limit)
    {
        Ensure(ref _lengths, count);
        Ensure(ref _lines, limit + Slack);
        var output = _lines.AsSpan();
        ref var from = ref MemoryMarshal.GetReference(source);
        ref var to = ref MemoryMarshal.GetReference(output);
        var segments = _folded;
        var segmentStart = _foldedStart;
        var numbers = _numbers;
        var cursor = _columnCursor;
        var end = _columnEnd;
        var o = 0;
        var idPos = 0;
        for (var i = 0; i < count; i++)
        {
            var t = SectionVarint.ReadInt(ids, ref idPos, templateCount - 1);
            var start = o;
            for (var s = segmentStart[t]; s < segmentStart[t + 1]; s++)
            {
                ref readonly var segment = ref segments[s];
                var length = segment.StaticLength;
                if (o + length > limit)
                {
                    throw new InvalidDataException("template block lines are longer than the block");
                }

                if (segment.StaticStart + length + Vector128<byte>.Count <= source.Length)
                {
                    // Short static runs dominate: fixed strides beat a general copy call.
                    for (var k = 0; k < length; k += Vector128<byte>.Count)
                    {
                        Vector128.LoadUnsafe(ref from, (nuint)(segment.StaticStart + k)).StoreUnsafe(ref to, (nuint)(o + k));
                    }
                }
                else
                {
                    source.Slice(segment.StaticStart, length).CopyTo(output[o..]);
                }

                o += length;
                switch (segment.Kind)
                {
                    case TemplateSyntax.Number:
                        {
                            var c = segment.Column;
                            if (cursor[c] >= end[c])
                            {
                                throw new InvalidDataException("template block number column is short");
                            }

                            var packed = numbers[cursor[c]++];
                            var zeros = (int)(packed & 3);
                            if (zeros == 3)
                            {
                                if (cursor[c] >= end[c] || numbers[cursor[c]] > TemplateSyntax.MaxNumberDigits)
                                {
                                    throw new InvalidDataException("template block number column is corrupt");
                                }

                                zeros += (int)numbers[cursor[c]++];
                            }

                            o += NumberText.Write(output[o..], packed >> 2, zeros);
                            break;
                        }

                    case TemplateSyntax.Hex:
                    case TemplateSyntax.HexUpper:
                        {
                            var c = segment.Column;
                            int hexLength = segment.Argument;
                            var bytes = (hexLength + 1) / 2;
                            if (cursor[c] + bytes > end[c])
                            {
                                throw new InvalidDataException("template block hex column is short");
                            }

                            WriteHex(columns.Slice(cursor[c], bytes), output.Slice(o, hexLength), segment.Kind == TemplateSyntax.Hex ? LowerDigits : UpperDigits);
                            cursor[c] += bytes;
                            o += hexLength;
                            break;
                        }

                    case TemplateSyntax.Escape:
                        output[o++] = segment.Argument;
                        break;
                }
            }

            if (o > limit)
            {
                throw new InvalidDataException("template block lines are longer than the block");
            }

            _lengths[i] = o - start;
        }

        return o;
    }

    private static void WriteHex(ReadOnlySpan<byte> bytes, Span<byte> output, ReadOnlySpan<byte> digits)
    {
        for (var k = 0; k < output.Length; k++)
        {
            var b = bytes[k >> 1];
            output[k] = digits[(k & 1) == 0 ? b >> 4 : b & 0xF];
        }
    }

    private static void Ensure<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            Array.Resize(ref array, Math.Max(length, array.Length * 2));
        }
    }

    /// <summary>Static text (a slice of the template section), then at most one variable or escaped byte.</summary>
    private readonly record struct Segment(int StaticStart, int StaticLength, byte Kind, byte Argument, int Column);
}
