using Runestone.Protocol.Push;
using static Runestone.Protocol.Tests.Push.PushTestData;
using Xunit;

namespace Runestone.Protocol.Tests.Push;

/// <summary>Seeded corruption of valid bodies: the decoders must answer true or false, never throw.</summary>
public sealed class PushFuzzTests
{
    private static byte[] Mutate(Random random, byte[] original)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(5))
        {
            case 0:
                return data[..random.Next(data.Length)];
            case 1:
                for (var i = 0; i < 1 + random.Next(4); i++)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }

                return data;
            case 2:
                data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                return data;
            case 3:
                var at = random.Next(data.Length);
                var insert = new byte[1 + random.Next(8)];
                random.NextBytes(insert);
                return [.. data[..at], .. insert, .. data[at..]];
            default:
                var from = random.Next(data.Length);
                var len = Math.Min(data.Length - from, 1 + random.Next(16));
                return [.. data[..from], .. data[(from + len)..]];
        }
    }

    private static void AssertAnswered(bool ok, PushRequest? request, string? error)
    {
        if (ok)
        {
            Assert.NotNull(request);
            foreach (var stream in request.Streams)
            {
                foreach (var entry in stream.Entries)
                {
                    _ = entry.Line.Span.Length;
                }
            }

            request.Dispose();
        }
        else
        {
            Assert.Null(request);
            Assert.False(string.IsNullOrWhiteSpace(error));
            Assert.DoesNotContain('\n', error);
        }
    }

    [Fact]
    public void Corrupted_protobuf_never_throws()
    {
        var random = new Random(20261124);
        var raw = Snappier.Snappy.DecompressToArray(PushEncoder.EncodeProtobufSnappy(Batch(11, 4, 12)));
        var compressed = Snappy(raw);
        var rejected = 0;
        for (var i = 0; i < 4_000; i++)
        {
            var mutatedRaw = Mutate(random, raw);
            var ok = PushDecoder.TryDecodeProtobufUncompressed(mutatedRaw, out var request, out var error);
            rejected += ok ? 0 : 1;
            AssertAnswered(ok, request, error);

            ok = PushDecoder.TryDecodeProtobuf(Snappy(mutatedRaw), 1 << 20, out request, out error);
            AssertAnswered(ok, request, error);

            ok = PushDecoder.TryDecodeProtobuf(Mutate(random, compressed), 1 << 20, out request, out error);
            AssertAnswered(ok, request, error);
        }

        Assert.True(rejected > 100, $"only {rejected} mutations were rejected; the fuzzer is not exercising errors");
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(7);
        for (var i = 0; i < 4_000; i++)
        {
            var data = new byte[random.Next(64)];
            random.NextBytes(data);
            AssertAnswered(PushDecoder.TryDecodeProtobuf(data, 1 << 16, out var r1, out var e1), r1, e1);
            AssertAnswered(PushDecoder.TryDecodeProtobufUncompressed(data, out var r2, out var e2), r2, e2);
            AssertAnswered(PushDecoder.TryDecodeJson(data, out var r3, out var e3), r3, e3);
        }
    }

    [Fact]
    public void Corrupted_json_never_throws()
    {
        var random = new Random(99);
        var json = PushEncoder.EncodeJson(Batch(12, 3, 6));
        for (var i = 0; i < 4_000; i++)
        {
            var ok = PushDecoder.TryDecodeJson(Mutate(random, json), out var request, out var error);
            AssertAnswered(ok, request, error);
        }
    }
}
