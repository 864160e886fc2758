using System.Buffers;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using Runestone.Core.Binary;

namespace Runestone.Storage.Chunks.Templates;

/// <summary>
/// Turns a raw block (<see cref="BlockFormat"/>) into its template form: every line becomes a
/// template id (its static text, deduplicated per block) plus variables (numbers, hex words)
/// appended to typed columns chosen by the text before them. Produces three sections (header,
/// templates, columns) that <see cref="TemplateBlockCodec"/> compresses one by one. One
/// instance per thread; it keeps its buffers between blocks.
/// </summary>
internal sealed class TemplateBlockEncoder
{
    private readonly ArrayBufferWriter<byte> _header = new(16 * 1024);
    private readonly ArrayBufferWriter<byte> _templateSection = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _columnSection = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _templateBytes = new(16 * 1024);
    private readonly ArrayBufferWriter<byte> _ids = new(4 * 1024);
    private EncoderColumn[] _columns = new EncoderColumn[16];
    private readonly ColumnKeys _columnIds = new();
    private readonly DistinctValues _packingTable = new(BitPacking.MaxTable);
    private readonly List<int> _templateOffsets = [];
    private int[] _templateColumnStart = new int[256];
    private int[] _templateColumns = new int[1024];
    private int _templateColumnCount;
    private int[] _table = new int[1024];
    private byte[] _template = new byte[1024];
    private Variable[] _variables = new Variable[64];
    private int[] _lengths = new int[256];

    public ReadOnlySpan<byte> Header => _header.WrittenSpan;

    public ReadOnlySpan<byte> Templates => _templateSection.WrittenSpan;

    public ReadOnlySpan<byte> Columns => _columnSection.WrittenSpan;

    /// <summary>
    /// Encodes a raw block into <see cref="Header"/>, <see cref="Templates"/> and
    /// <see cref="Columns"/>, valid until the next call; false when the bytes are not a raw block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryEncode(ReadOnlySpan<byte> raw)
    {
        Reset();
        if (!RawBlockLayout.TryParse(raw, ref _lengths, out var layout))
        {
            return false;
        }

        var lineStart = layout.LinesOffset;
        for (var i = 0; i < layout.Count; i++)
        {
            var line = raw.Slice(lineStart, _lengths[i]);
            lineStart += line.Length;
            AddLine(line);
        }

        WriteVarint(_header, (ulong)layout.Count);
        var timestamps = raw[layout.TimestampsOffset..layout.LengthsOffset];
        WriteVarint(_header, (ulong)timestamps.Length);
        _header.Write(timestamps);
        _header.Write(raw[layout.MetadataOffset..layout.LinesOffset]);

        WriteVarint(_templateSection, (ulong)_templateOffsets.Count);
        for (var t = 0; t < _templateOffsets.Count; t++)
        {
            WriteVarint(_templateSection, (ulong)TemplateLength(t));
        }

        _templateSection.Write(_templateBytes.WrittenSpan);
        _templateSection.Write(_ids.WrittenSpan);

        WriteVarint(_columnSection, (ulong)_columnIds.Count);
        for (var c = 0; c < _columnIds.Count; c++)
        {
            var column = _columns[c];
            if (column.Kind == TemplateSyntax.Number)
            {
                BitPacking.Write(_columnSection, column.Values.AsSpan(0, column.Count), _packingTable);
            }
            else
            {
                WriteVarint(_columnSection, (ulong)column.Bytes.WrittenCount);
                _columnSection.Write(column.Bytes.WrittenSpan);
            }
        }

        return true;
    }

    private void Reset()
    {
        _header.ResetWrittenCount();
        _templateSection.ResetWrittenCount();
        _columnSection.ResetWrittenCount();
        _templateBytes.ResetWrittenCount();
        _ids.ResetWrittenCount();
        _templateOffsets.Clear();
        _templateColumnCount = 0;
        for (var c = 0; c < _columnIds.Count; c++)
        {
            _columns[c].Reset();
        }

        _columnIds.Clear();
        Array.Fill(_table, -1);
    }

    // The template code's hot loops are compiled fully optimized at once: on a busy server the
    // tier-1 recompile waited long enough that perf caught ingest running tier-0 code here.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddLine(ReadOnlySpan<byte> line)
    {
        // A template is at most the line plus a length byte per hex word and an escape per byte.
        if (_template.Length < line.Length * 2 + 2)
        {
            _template = new byte[line.Length * 2 + 2];
        }

        var template = _template;
        var t = 0;
        var variables = 0;
        var i = 0;
        // Marker bytes are rare in text: without them the next interesting byte is the next digit,
        // which a range search finds fastest.
        var plain = line.IndexOfAnyInRange(TemplateSyntax.Number, TemplateSyntax.Escape) < 0;
        while (i < line.Length)
        {
            var rest = line[i..];
            var k = plain ? rest.IndexOfAnyInRange((byte)'0', (byte)'9') : rest.IndexOfAny(TemplateSyntax.MarkersAndDigits);
            if (k < 0)
            {
                rest.CopyTo(template.AsSpan(t));
                t += rest.Length;
                break;
            }

            rest[..k].CopyTo(template.AsSpan(t));
            t += k;
            var runStart = i;
            i += k;
            if (!TemplateSyntax.IsDigit(line[i]))
            {
                template[t++] = TemplateSyntax.Escape;
                template[t++] = line[i++];
                continue;
            }

            // Most variables are whole words of digits ("2023", "200"): parse them in one pass.
            if (i == 0 || !TemplateSyntax.IsWord(line[i - 1]))
            {
                var d = i;
                var limit = Math.Min(line.Length, i + TemplateSyntax.MaxNumberDigits);
                ulong value = 0;
                for (; d < limit && (uint)(line[d] - '0') <= 9; d++)
                {
                    value = value * 10 + (uint)(line[d] - '0');
                }

                if (d == line.Length || !TemplateSyntax.IsWord(line[d]))
                {
                    var zeros = 0;
                    while (zeros < d - i - 1 && line[i + zeros] == '0')
                    {
                        zeros++;
                    }

                    AddVariable(ref variables, new Variable(TemplateSyntax.Number, (value << 2) | (uint)Math.Min(zeros, 3), 0, zeros));
                    template[t++] = TemplateSyntax.Number;
                    i = d;
                    continue;
                }
            }

            // The digit's word may have begun with letters already copied as static text
            // (hex ids such as "ab12…", identifiers such as "v1"): take them back.
            var wordStart = i;
            while (wordStart > runStart && TemplateSyntax.IsWord(line[wordStart - 1]))
            {
                wordStart--;
            }

            t -= i - wordStart;
            var wordEnd = i + 1;
            while (wordEnd < line.Length && TemplateSyntax.IsWord(line[wordEnd]))
            {
                wordEnd++;
            }

            var word = line[wordStart..wordEnd];
            var hexKind = wordStart == i && word.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0 ? (byte)0 : TemplateSyntax.HexKind(word);
            if (hexKind != 0)
            {
                AddVariable(ref variables, new Variable(hexKind, 0, wordStart, word.Length));
                template[t++] = hexKind;
                template[t++] = (byte)word.Length;
                i = wordEnd;
                continue;
            }

            // A word that is not hex: letters stay static, digit runs become numbers (value and
            // leading zeros packed as value << 2 | min(zeros, 3); three or more zeros add a
            // second symbol with the rest).
            i = wordStart;
            while (i < wordEnd)
            {
                var c = line[i];
                if ((uint)(c - '0') > 9)
                {
                    template[t++] = c;
                    i++;
                    continue;
                }

                var runEnd = Math.Min(wordEnd, i + TemplateSyntax.MaxNumberDigits);
                var zeros = 0;
                while (zeros < runEnd - i - 1 && line[i + zeros] == '0')
                {
                    zeros++;
                }

                ulong value = 0;
                var d = i;
                for (; d < runEnd && (uint)(line[d] - '0') <= 9; d++)
                {
                    value = value * 10 + (uint)(line[d] - '0');
                }

                if (zeros > d - i - 1)
                {
                    zeros = d - i - 1;
                }

                AddVariable(ref variables, new Variable(TemplateSyntax.Number, (value << 2) | (uint)Math.Min(zeros, 3), 0, zeros));
                template[t++] = TemplateSyntax.Number;
                i = d;
            }
        }

        var id = FindOrAddTemplate(template.AsSpan(0, t));
        _ids.Advance(Varint.Write(_ids.GetSpan(Varint.MaxLength), (ulong)id));
        var columns = _templateColumns;
        var first = _templateColumnStart[id];
        var all = _columns;
        for (var v = 0; v < variables; v++)
        {
            ref readonly var variable = ref _variables[v];
            var column = all[columns[first + v]];
            if (variable.Kind == TemplateSyntax.Number)
            {
                column.Add(variable.Value);
                if (variable.Length >= 3)
                {
                    column.Add((ulong)variable.Length - 3);
                }
            }
            else
            {
                column.AddHex(line.Slice(variable.Start, variable.Length));
            }
        }
    }

    private void AddVariable(ref int count, Variable variable)
    {
        if (count == _variables.Length)
        {
            Array.Resize(ref _variables, count * 2);
        }

        _variables[count++] = variable;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int FindOrAddTemplate(ReadOnlySpan<byte> template)
    {
        var hash = XxHash3.HashToUInt64(template);
        var mask = _table.Length - 1;
        var slot = (int)hash & mask;
        while (true)
        {
            var id = _table[slot];
            if (id < 0)
            {
                break;
            }

            if (TemplateSpan(id).SequenceEqual(template))
            {
                return id;
            }

            slot = (slot + 1) & mask;
        }

        var newId = _templateOffsets.Count;
        _templateOffsets.Add(_templateBytes.WrittenCount);
        _templateBytes.Write(template);
        _table[slot] = newId;
        if (_templateOffsets.Count * 2 > _table.Length)
        {
            Grow();
        }

        // Columns are numbered as their context keys first appear, template by template, so
        // the decoder can rebuild the numbering from the templates alone.
        if (newId == _templateColumnStart.Length)
        {
            Array.Resize(ref _templateColumnStart, newId * 2);
        }

        _templateColumnStart[newId] = _templateColumnCount;
        var j = 0;
        while (j < template.Length)
        {
            var b = template[j];
            if (b == 0 || b > TemplateSyntax.Escape)
            {
                j++;
                continue;
            }

            if (b == TemplateSyntax.Escape)
            {
                j += 2;
                continue;
            }

            if (_templateColumnCount == _templateColumns.Length)
            {
                Array.Resize(ref _templateColumns, _templateColumnCount * 2);
            }

            _templateColumns[_templateColumnCount++] = Column(TemplateSyntax.ContextKey(template[..j], b), b);
            j += b == TemplateSyntax.Number ? 1 : 2;
        }

        return newId;
    }

    private int Column(ulong key, byte kind)
    {
        var id = _columnIds.GetOrAdd(key, out var added);
        if (added)
        {
            if (id == _columns.Length)
            {
                Array.Resize(ref _columns, id * 2);
            }

            _columns[id] ??= new EncoderColumn();

            _columns[id].Kind = kind;
        }

        return id;
    }

    private void Grow()
    {
        _table = new int[_table.Length * 2];
        Array.Fill(_table, -1);
        var mask = _table.Length - 1;
        for (var id = 0; id < _templateOffsets.Count; id++)
        {
            var slot = (int)XxHash3.HashToUInt64(TemplateSpan(id)) & mask;
            while (_table[slot] >= 0)
            {
                slot = (slot + 1) & mask;
            }

            _table[slot] = id;
        }
    }

    private int TemplateLength(int id) =>
        (id + 1 < _templateOffsets.Count ? _templateOffsets[id + 1] : _templateBytes.WrittenCount) - _templateOffsets[id];

    private ReadOnlySpan<byte> TemplateSpan(int id) => _templateBytes.WrittenSpan.Slice(_templateOffsets[id], TemplateLength(id));

    private static void WriteVarint(IBufferWriter<byte> output, ulong value) =>
        output.Advance(Varint.Write(output.GetSpan(Varint.MaxLength), value));

    private readonly record struct Variable(byte Kind, ulong Value, int Start, int Length);

    private sealed class EncoderColumn
    {
        public byte Kind;
        public ulong[] Values = new ulong[256];
        public int Count;
        public ArrayBufferWriter<byte> Bytes = new(256);

        public void Reset()
        {
            Count = 0;
            Bytes.ResetWrittenCount();
        }

        public void Add(ulong value)
        {
            if (Count == Values.Length)
            {
                Array.Resize(ref Values, Count * 2);
            }

            Values[Count++] = value;
        }

        public void AddHex(ReadOnlySpan<byte> word)
        {
            var span = Bytes.GetSpan((word.Length + 1) / 2);
            for (var k = 0; k < word.Length; k += 2)
            {
                var high = Nibble(word[k]);
                var low = k + 1 < word.Length ? Nibble(word[k + 1]) : 0;
                span[k / 2] = (byte)((high << 4) | low);
            }

            Bytes.Advance((word.Length + 1) / 2);
        }

        private static int Nibble(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }
}
