using System.Buffers;
using System.Text;
using Runestone.Core.Labels;
using Runestone.Storage.Chunks;
using Runestone.Storage.Chunks.Templates;
using Xunit;

namespace Runestone.Storage.Tests;

/// <summary>
/// The template codec must give back every raw block byte for byte, whatever the lines hold;
/// these rows are the shapes its tokenizer treats specially.
/// </summary>
public sealed class TemplateCodecTests
{
    public static TheoryData<string, string[]> Lines => new()
    {
        { "logfmt with a trace id", ["level=info ts=2026-11-24T21:33:05.123Z caller=server.go:123 msg=\"ok\" duration=12ms status=200 trace_id=5f3a9b2c1d4e6f70"] },
        { "leading zeros", ["0", "00", "000", "0007", "00000000000000000000001", "05:09.004", "id=0 id=01 id=0010"] },
        { "numbers longer than a column value", ["1234567890123456789012345", "ts=1700000000123456789", "999999999999999999 1000000000000000000"] },
        { "hex words", ["deadbeef12 DEADBEEF12 DeadBeef12 abc1 ab1 0x7ffe12ab 550e8400-e29b-41d4-a716-446655440000", new string('a', 254) + "1", new string('f', 255) + "1 " + new string('0', 300)] },
        { "digits inside words", ["x86_64 v1 utf8 sha256 k8s needle-q7d3c9a1f5e2b a1b2c3 _9_ 9a"] },
        { "marker bytes in the text", ["\u0001\u0002\u0003\u0004 \u0001 x\u00041\u0002", "\u0004", "\u0001123\u0002"] },
        { "utf-8 and control bytes", ["ünïcödé 42 ✓ \t\r 7€", "\0 0 \0", ""] },
        { "empty and whitespace", ["", " ", "   ", "\n"] },
        { "only variables", ["1", "12 34", "1.2.3.4", "10.0.0.1:8080", "-5 -0 +7 1e10 1.5e-3"] },
        { "constant columns folded into the text", ["HTTP/1.1 2026 007 0000 id=00042 7 x", "HTTP/1.1 2026 007 0000 id=00042 8 y", "HTTP/1.1 2026 007 0000 id=00042 9", "HTTP/1.1 2026 007 0000 id=00042"] },
        { "a column constant in one template and shared with another", ["a=5 b=1", "a=5 c=2", "q a=5", "a=5"] },
        { "nginx", ["10.1.2.3 - - [24/Nov/2026:21:33:05 +0000] \"GET /api/v1/orders/12345 HTTP/1.1\" 200 5123 \"curl/8.5.0\" 0.012 ABCDEF0123"] },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Lines_round_trip_byte_for_byte(string name, string[] lines)
    {
        _ = name;
        var bytes = lines.Select(Encoding.UTF8.GetBytes).ToArray();
        var raw = Raw(bytes.Select((_, i) => 1_700_000_000_000_000_000L + i).ToArray(), bytes, new LabelPair[]?[bytes.Length]);
        Assert.Equal(raw, RoundTrip(raw));
    }

    [Fact]
    public void Many_templates_variables_and_metadata_round_trip()
    {
        // Over a thousand distinct templates (the template table grows), lines with hundreds of
        // variables (the variable and segment arrays grow), metadata and repeated timestamps.
        var random = new Random(5);
        var count = 3000;
        var ts = new long[count];
        var lines = new byte[count][];
        var metadata = new LabelPair[]?[count];
        for (var i = 0; i < count; i++)
        {
            ts[i] = 1_700_000_000_000_000_000 + (i / 3 * 1_000);
            var text = i % 500 == 0
                ? string.Join(' ', Enumerable.Range(0, 400).Select(k => $"k{k}={random.Next(100_000)}"))
                : $"word{random.Next(2000):x}y msg=\"{(char)('a' + random.Next(26))}\" n={random.Next()} id={random.NextInt64():x16} t=0.{random.Next(1000):000}";
            lines[i] = Encoding.UTF8.GetBytes(text);
            metadata[i] = i % 7 == 0 ? [new LabelPair("trace_id", "t" + i), new LabelPair("user", "ü")] : null;
        }

        var raw = Raw(ts, lines, metadata);
        Assert.Equal(raw, RoundTrip(raw));
    }

    [Fact]
    public void Structured_lines_take_less_room_than_plain_zstd()
    {
        var random = new Random(9);
        var count = 2000;
        var lines = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            lines[i] = Encoding.UTF8.GetBytes(
                $"level=info ts=2026-11-24T21:{i / 60 % 60:00}:{i % 60:00}.{random.Next(1000):000}Z caller=db.go:{random.Next(20, 900)} duration={random.Next(1, 900)}ms status={(random.Next(10) == 0 ? 500 : 200)} trace_id={random.NextInt64():x16}");
        }

        var raw = Raw(Enumerable.Range(0, count).Select(i => 1_700_000_000_000_000_000L + i * 1_000_003L).ToArray(), lines, new LabelPair[]?[count]);
        var templates = BlockCodec.Compress(ChunkEncoding.ZstdTemplates, raw).Length;
        var zstd = BlockCodec.Compress(ChunkEncoding.Zstd, raw).Length;
        Assert.True(templates < zstd * 0.8, $"templates {templates} B, zstd {zstd} B");
        Assert.Equal(raw, RoundTrip(raw));
    }

    [Fact]
    public void Bytes_that_are_not_a_raw_block_are_kept_as_plain_zstd()
    {
        var random = new Random(3);
        var notABlock = new byte[5000];
        random.NextBytes(notABlock);
        var compressed = BlockCodec.Compress(ChunkEncoding.ZstdTemplates, notABlock);
        Assert.Equal(0, compressed[0]);
        Assert.Equal(notABlock, RoundTrip(notABlock));
    }

    [Fact]
    public void Unknown_block_form_is_refused()
    {
        var raw = Raw([1], [Encoding.UTF8.GetBytes("a 1")], [null]);
        var compressed = BlockCodec.Compress(ChunkEncoding.ZstdTemplates, raw);
        compressed[0] = 9;
        var ex = Assert.Throws<InvalidDataException>(() => BlockCodec.Decompress(ChunkEncoding.ZstdTemplates, compressed, new byte[raw.Length]));
        Assert.Contains("form", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_name_parses() => Assert.Equal(ChunkEncoding.ZstdTemplates, BlockCodec.Parse("zstd-templates"));

    public static TheoryData<string, ulong[]> Columns => new()
    {
        { "empty", [] },
        { "one", [42] },
        { "constant", Enumerable.Repeat(8092UL, 500).ToArray() },
        { "few distinct (table)", Enumerable.Range(0, 1000).Select(i => (ulong)(new[] { 800, 804, 816, 1204, 2000 }[i * 7 % 5])).ToArray() },
        { "slow counter (deltas)", Enumerable.Range(0, 1000).Select(i => (ulong)(1_000_000 + i / 7)).ToArray() },
        { "wrapping counter", Enumerable.Range(0, 1000).Select(i => (ulong)(i % 60)).ToArray() },
        { "random with rare large values (patched)", Enumerable.Range(0, 1000).Select(i => (ulong)(i % 25 == 0 ? 1_000_000 + i : i * 37 % 900) << 2).ToArray() },
        { "full 64-bit values", [ulong.MaxValue, 0, ulong.MaxValue - 1, 1UL << 63, 12345] },
        { "decreasing", Enumerable.Range(0, 300).Select(i => (ulong)(10_000 - i * 3)).ToArray() },
    };

    [Theory]
    [MemberData(nameof(Columns))]
    public void Bit_packed_columns_round_trip(string name, ulong[] values)
    {
        _ = name;
        var output = new ArrayBufferWriter<byte>();
        BitPacking.Write(output, values.ToArray(), new DistinctValues(BitPacking.MaxTable));
        output.Write(new byte[] { 0xEE }); // a following column must not be read into
        var arena = new ulong[3];
        var consumed = BitPacking.Read(output.WrittenSpan, ref arena, 2, out var count);
        Assert.Equal(output.WrittenCount - 1, consumed);
        Assert.Equal(values, arena.AsSpan(2, count).ToArray());
    }

    private static byte[] Raw(long[] ts, byte[][] lines, LabelPair[]?[] metadata)
    {
        var writer = new ArrayBufferWriter<byte>();
        BlockFormat.Write(writer, ts, lines.Select(l => (ReadOnlyMemory<byte>)l).ToArray(), metadata);
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] RoundTrip(byte[] raw)
    {
        var compressed = BlockCodec.Compress(ChunkEncoding.ZstdTemplates, raw);
        var back = new byte[raw.Length];
        BlockCodec.Decompress(ChunkEncoding.ZstdTemplates, compressed, back);
        return back;
    }
}

/// <summary>
/// Seeded damage inside the decompressed sections (past zstd and the chunk CRC, which would
/// catch most damage first): the decoder may refuse a block only with InvalidDataException.
/// </summary>
public sealed class TemplateCodecFuzzTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Damaged_sections_fail_only_with_InvalidDataException(int seed)
    {
        var random = new Random(seed);
        var count = 300;
        var lines = new ReadOnlyMemory<byte>[count];
        for (var i = 0; i < count; i++)
        {
            lines[i] = Encoding.UTF8.GetBytes($"level=warn n={random.Next(1000)} t=0.{random.Next(1000):000} id={random.NextInt64():x16} ID={random.Next():X8} \u0002 {(char)('a' + random.Next(5))}");
        }

        var writer = new ArrayBufferWriter<byte>();
        BlockFormat.Write(writer, Enumerable.Range(0, count).Select(i => (long)i * 997).ToArray(), lines, Enumerable.Range(0, count).Select(i => i % 5 == 0 ? new[] { new LabelPair("k", "v" + i) } : null).ToArray());
        var raw = writer.WrittenSpan.ToArray();
        var encoder = new TemplateBlockEncoder();
        Assert.True(encoder.TryEncode(raw));
        byte[][] sections = [encoder.Header.ToArray(), encoder.Templates.ToArray(), encoder.Columns.ToArray()];
        var refused = 0;
        for (var iteration = 0; iteration < 1500; iteration++)
        {
            var damaged = sections.Select(s => s.ToArray()).ToArray();
            var which = damaged[random.Next(3)];
            for (var flips = random.Next(1, 4); flips > 0 && which.Length > 0; flips--)
            {
                which[random.Next(which.Length)] = (byte)random.Next(256);
            }

            var block = TemplateBlockCodec.Assemble(damaged[0], damaged[1], damaged[2]);
            try
            {
                BlockCodec.Decompress(ChunkEncoding.ZstdTemplates, block, new byte[raw.Length]);
            }
            catch (InvalidDataException)
            {
                refused++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed} iteration {iteration}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
        }

        Assert.True(refused > 500, $"only {refused} of 1500 damaged blocks were refused");
    }
}
