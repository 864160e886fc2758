using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Runestone.Core.Labels;
using Runestone.Protocol.Push;
using Gen = Runestone.Protocol.Push.Generated;
using Xunit;

namespace Runestone.Protocol.Tests.Push;

internal static class PushTestData
{
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static string Text(ReadOnlyMemory<byte> line) => Encoding.UTF8.GetString(line.Span);

    public static byte[] Snappy(byte[] raw) => Snappier.Snappy.CompressToArray(raw);

    /// <summary>A varied batch: several streams, some entries with metadata, some empty lines.</summary>
    public static List<PushStreamData> Batch(int seed, int streams, int entriesPerStream)
    {
        var random = new Random(seed);
        var result = new List<PushStreamData>();
        for (var s = 0; s < streams; s++)
        {
            var entries = new List<PushEntryData>();
            var ts = 1_700_000_000_000_000_000L + s;
            for (var e = 0; e < entriesPerStream; e++)
            {
                ts += random.Next(1, 5_000_000);
                var line = e % 17 == 5 ? string.Empty : $"level=info stream={s} entry={e} msg=\"héllo {random.Next()}\"";
                LabelPair[]? metadata = e % 5 == 0 ? [new("trace_id", random.Next().ToString("x8")), new("user", "ü" + e)] : null;
                entries.Add(new PushEntryData(ts, Utf8(line), metadata));
            }

            result.Add(new PushStreamData($"{{app=\"app{s}\", env=\"prod\"}}", entries));
        }

        return result;
    }

    public static Gen.PushRequest ToGenerated(IReadOnlyList<PushStreamData> streams)
    {
        var request = new Gen.PushRequest();
        foreach (var stream in streams)
        {
            var adapter = new Gen.StreamAdapter { Labels = stream.Labels, Hash = 12345 };
            foreach (var entry in stream.Entries)
            {
                var seconds = Math.DivRem(entry.TimestampNs, 1_000_000_000, out var nanos);
                if (nanos < 0)
                {
                    seconds--;
                    nanos += 1_000_000_000;
                }

                var generated = new Gen.EntryAdapter
                {
                    Timestamp = new Timestamp { Seconds = seconds, Nanos = (int)nanos },
                    Line = Encoding.UTF8.GetString(entry.Line.Span),
                };
                foreach (var pair in entry.StructuredMetadata ?? [])
                {
                    generated.StructuredMetadata.Add(new Gen.LabelPairAdapter { Name = pair.Name, Value = pair.Value });
                }

                adapter.Entries.Add(generated);
            }

            request.Streams.Add(adapter);
        }

        return request;
    }

    public static void AssertSame(IReadOnlyList<PushStreamData> expected, PushRequest actual)
    {
        Assert.Equal(expected.Count, actual.Streams.Count);
        var total = 0;
        long bytes = 0;
        for (var s = 0; s < expected.Count; s++)
        {
            Assert.Equal(expected[s].Labels, actual.Streams[s].Labels);
            Assert.Equal(expected[s].Entries.Count, actual.Streams[s].Entries.Count);
            for (var e = 0; e < expected[s].Entries.Count; e++)
            {
                var want = expected[s].Entries[e];
                var got = actual.Streams[s].Entries[e];
                Assert.Equal(want.TimestampNs, got.TimestampNs);
                Assert.True(want.Line.Span.SequenceEqual(got.Line.Span), $"stream {s} entry {e} line differs");
                Assert.Equal(want.StructuredMetadata ?? [], got.StructuredMetadata ?? []);
                total++;
                bytes += want.Line.Length;
            }
        }

        Assert.Equal(total, actual.TotalEntries);
        Assert.Equal(bytes, actual.TotalLineBytes);
    }

    public static byte[] ToBytes(this IMessage message) => message.ToByteArray();
}
