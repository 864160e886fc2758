using BenchmarkDotNet.Attributes;
using Runestone.Bench.Workload;
using Runestone.Protocol.Push;
using Snappier;
using Gen = Runestone.Protocol.Push.Generated;

namespace Runestone.Bench;

/// <summary>
/// Push decoding of a ~1 MB (raw lines) batch from the workload generator: Runestone's span
/// reader against Google.Protobuf's generated parser. Both include snappy decompression, which
/// is also measured alone so the parse cost can be read off.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ProtocolBenchmarks
{
    private byte[] _snappy = [];
    private byte[] _json = [];
    private byte[] _scratch = [];
    private WorkloadBatch? _batch;

    public int Lines { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var generator = new LineGenerator(seed: 42, streamCount: 100);
        var now = 1_764_000_000_000_000_000L;
        var builder = new BatchBuilder(generator, totalBytes: 1 << 20, now - 3_600_000_000_000, now, batchBytes: 1 << 20);
        var batch = _batch = builder.Next(Stream.Null);
        Lines = batch.Lines;
        _snappy = PushEncoder.EncodeProtobufSnappy(batch.Streams);
        _json = PushEncoder.EncodeJson(batch.Streams);
        _scratch = new byte[Snappy.GetUncompressedLength(_snappy)];
    }

    [Benchmark]
    public int SnappyOnly() => Snappy.Decompress(_snappy, _scratch);

    [Benchmark(Baseline = true)]
    public int GoogleProtobufGenerated()
    {
        var length = Snappy.Decompress(_snappy, _scratch);
        var request = Gen.PushRequest.Parser.ParseFrom(_scratch.AsSpan(0, length));
        return request.Streams.Count;
    }

    [Benchmark]
    public int RunestoneSpanDecoder()
    {
        PushDecoder.TryDecodeProtobuf(_snappy, PushDecoder.DefaultMaxDecompressedBytes, out var request, out _);
        var entries = request!.TotalEntries;
        request.Dispose();
        return entries;
    }

    [Benchmark]
    public int RunestoneJsonDecoder()
    {
        PushDecoder.TryDecodeJson(_json, out var request, out _);
        var entries = request!.TotalEntries;
        request.Dispose();
        return entries;
    }

    [Benchmark]
    public int RunestoneEncodeProtobufSnappy() => PushEncoder.EncodeProtobufSnappy(_batch!.Streams).Length;

    [GlobalCleanup]
    public void Cleanup() => _batch?.Dispose();
}
