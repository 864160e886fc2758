using System.Buffers;
using System.Text;
using Runestone.Core.Binary;
using Runestone.Core.Labels;

namespace Runestone.Storage.Chunks;

/// <summary>
/// A raw block decoded into columns over a pooled buffer: timestamps, line offsets and lengths,
/// and metadata decoded lazily per entry. Dispose returns the buffers to the pool.
/// </summary>
public sealed class DecodedBlock : IDisposable
{
    private byte[]? _raw;
    private long[] _timestamps = [];
    private int[] _lineOffsets = [];
    private int[] _lineLengths = [];
    private int[] _metadataOffsets = [];
    private bool _hasMetadata;

    public int Count { get; private set; }

    public ReadOnlySpan<long> Timestamps => _timestamps.AsSpan(0, Count);

    /// <summary>Decodes a raw block; the block takes ownership of <paramref name="pooledRaw"/> (rented from the shared pool).</summary>
    public static DecodedBlock Decode(byte[] pooledRaw, int rawLength)
    {
        var block = new DecodedBlock { _raw = pooledRaw };
        try
        {
            block.Parse(pooledRaw.AsSpan(0, rawLength));
        }
        catch (ArgumentOutOfRangeException ex)
        {
            block.Dispose();
            throw new InvalidDataException("block layout is corrupt: a length runs past the block", ex);
        }
        catch (InvalidDataException)
        {
            block.Dispose();
            throw;
        }

        return block;
    }

    public ReadOnlySpan<byte> Line(int index) => _raw.AsSpan(_lineOffsets[index], _lineLengths[index]);

    public int LineLength(int index) => _lineLengths[index];

    public LabelPair[]? Metadata(int index)
    {
        if (!_hasMetadata)
        {
            return null;
        }

        var span = _raw.AsSpan(_metadataOffsets[index]);
        var pos = Varint.TryRead(span, out var count);
        if (count == 0)
        {
            return null;
        }

        var pairs = new LabelPair[count];
        for (var i = 0; i < (int)count; i++)
        {
            var name = ReadString(span, ref pos);
            var value = ReadString(span, ref pos);
            pairs[i] = new LabelPair(name, value);
        }

        return pairs;
    }

    public void Dispose()
    {
        if (_raw is not null)
        {
            ArrayPool<byte>.Shared.Return(_raw);
            if (_timestamps.Length > 0)
            {
                ArrayPool<long>.Shared.Return(_timestamps);
                ArrayPool<int>.Shared.Return(_lineOffsets);
                ArrayPool<int>.Shared.Return(_lineLengths);
                ArrayPool<int>.Shared.Return(_metadataOffsets);
            }
            _raw = null;
        }
    }

    private void Parse(ReadOnlySpan<byte> raw)
    {
        var pos = 0;
        var count = (int)Read(raw, ref pos);
        if (count < 0 || count > raw.Length)
        {
            throw new InvalidDataException("block entry count is corrupt");
        }

        Count = count;
        _timestamps = ArrayPool<long>.Shared.Rent(Math.Max(1, count));
        _lineOffsets = ArrayPool<int>.Shared.Rent(Math.Max(1, count));
        _lineLengths = ArrayPool<int>.Shared.Rent(Math.Max(1, count));
        _metadataOffsets = ArrayPool<int>.Shared.Rent(Math.Max(1, count));
        var ts = 0L;
        for (var i = 0; i < count; i++)
        {
            var n = Varint.TryReadSigned(raw[pos..], out var delta);
            if (n == 0)
            {
                throw new InvalidDataException("block timestamp column is corrupt");
            }

            pos += n;
            ts += delta;
            _timestamps[i] = ts;
        }

        for (var i = 0; i < count; i++)
        {
            _lineLengths[i] = (int)Read(raw, ref pos);
        }

        for (var i = 0; i < count; i++)
        {
            _metadataOffsets[i] = pos;
            var pairs = (int)Read(raw, ref pos);
            if (pairs > 0)
            {
                _hasMetadata = true;
                for (var p = 0; p < pairs * 2; p++)
                {
                    var length = (int)Read(raw, ref pos);
                    pos += length;
                    if (pos > raw.Length)
                    {
                        throw new InvalidDataException("block metadata runs past the block");
                    }
                }
            }
        }

        for (var i = 0; i < count; i++)
        {
            _lineOffsets[i] = pos;
            pos += _lineLengths[i];
            if (pos > raw.Length || _lineLengths[i] < 0)
            {
                throw new InvalidDataException("block line column runs past the block");
            }
        }
    }

    private static ulong Read(ReadOnlySpan<byte> raw, ref int pos)
    {
        if (pos >= raw.Length)
        {
            throw new InvalidDataException("block is truncated");
        }

        var n = Varint.TryRead(raw[pos..], out var value);
        if (n == 0 || value > int.MaxValue)
        {
            throw new InvalidDataException("block varint is corrupt");
        }

        pos += n;
        return value;
    }

    private static string ReadString(ReadOnlySpan<byte> raw, ref int pos)
    {
        var length = (int)Read(raw, ref pos);
        var text = Encoding.UTF8.GetString(raw.Slice(pos, length));
        pos += length;
        return text;
    }
}
