using System.Text;
using Runestone.Core.Labels;
using Runestone.Protocol.Push;
using static Runestone.Protocol.Tests.Push.PushTestData;
using Xunit;

namespace Runestone.Protocol.Tests.Push;

public sealed class JsonPushTests
{
    private static PushRequest Decode(string json)
    {
        Assert.True(PushDecoder.TryDecodeJson(Encoding.UTF8.GetBytes(json), out var request, out var error), error);
        return request;
    }

    [Fact]
    public void Decodes_streams_without_metadata_and_builds_sorted_label_text()
    {
        using var request = Decode("""
            {"streams":[
              {"stream":{"env":"prod","app":"x"},"values":[["1700000000000000001","first"],["1700000000000000002","second"]]},
              {"values":[[1700000000000000003,"third"]],"stream":{"job":"a\"b"}}
            ]}
            """);

        Assert.Equal(2, request.Streams.Count);
        Assert.Equal("{app=\"x\", env=\"prod\"}", request.Streams[0].Labels);
        Assert.Equal("{job=\"a\\\"b\"}", request.Streams[1].Labels);
        Assert.True(LabelText.TryParse(request.Streams[0].Labels, out var parsed, out _));
        Assert.Equal(LabelSet.Of(("app", "x"), ("env", "prod")), parsed);

        var first = request.Streams[0].Entries;
        Assert.Equal(1_700_000_000_000_000_001, first[0].TimestampNs);
        Assert.Equal("first", Text(first[0].Line));
        Assert.Null(first[0].StructuredMetadata);
        Assert.Equal("second", Text(first[1].Line));
        Assert.Equal(1_700_000_000_000_000_003, request.Streams[1].Entries[0].TimestampNs);
        Assert.Equal(3, request.TotalEntries);
        Assert.Equal("firstsecondthird".Length, request.TotalLineBytes);
    }

    [Fact]
    public void Decodes_structured_metadata_and_unescapes_lines()
    {
        using var request = Decode("""
            {"streams":[{"stream":{"a":"b"},"values":[
              ["5","say \"hi\"\n\u00e9\ud83d\ude00 tab\t",{"trace_id":"abc","user":"\u00fc"}],
              ["6","plain",{}],
              ["7","nulled",null]
            ]}]}
            """);

        var entries = request.Streams[0].Entries;
        Assert.Equal("say \"hi\"\né😀 tab\t", Text(entries[0].Line));
        Assert.Equal([new LabelPair("trace_id", "abc"), new LabelPair("user", "ü")], entries[0].StructuredMetadata!);
        Assert.Null(entries[1].StructuredMetadata);
        Assert.Null(entries[2].StructuredMetadata);
    }

    [Fact]
    public void Encoder_json_round_trips_through_the_decoder()
    {
        var batch = Batch(seed: 9, streams: 3, entriesPerStream: 20);
        var json = PushEncoder.EncodeJson(batch);

        Assert.True(PushDecoder.TryDecodeJson(json, out var request, out var error), error);
        using (request)
        {
            AssertSame(batch, request);
        }
    }

    [Fact]
    public void Encoder_json_has_loki_shape()
    {
        List<PushStreamData> batch = [new("{b=\"2\", a=\"1\"}", [new PushEntryData(42, Utf8("l\"x"), [new LabelPair("k", "v")])])];
        var json = Encoding.UTF8.GetString(PushEncoder.EncodeJson(batch));
        Assert.Equal("{\"streams\":[{\"stream\":{\"a\":\"1\",\"b\":\"2\"},\"values\":[[\"42\",\"l\\\"x\",{\"k\":\"v\"}]]}]}", json);
    }

    [Fact]
    public void Unknown_properties_are_ignored_and_empty_streams_accepted()
    {
        using var request = Decode("""{"extra":{"x":[1,2]},"streams":[{"stream":{"a":"b"},"values":[],"other":1}]}""");
        Assert.Empty(request.Streams[0].Entries);
        using var none = Decode("""{"streams":[]}""");
        Assert.Empty(none.Streams);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "[]", "must be an object" },
        { "{}", "no \"streams\" field" },
        { """{"streams":{}}""", "\"streams\" must be an array" },
        { """{"streams":[1]}""", "stream 0: must be an object" },
        { """{"streams":[{"stream":{"a":1}}]}""", "stream 0: label 'a' must have a string value" },
        { """{"streams":[{"stream":[]}]}""", "stream 0: labels must be an object" },
        { """{"streams":[{"values":{}}]}""", "stream 0: \"values\" must be an array" },
        { """{"streams":[{"stream":{},"values":[["1","a"]]},{"values":[["1","a"],["x","b"]]}]}""", "stream 1 entry 1: timestamp is not a number" },
        { """{"streams":[{"values":[["1.5","a"]]}]}""", "stream 0 entry 0: timestamp is not a number" },
        { """{"streams":[{"values":[[1.5,"a"]]}]}""", "stream 0 entry 0: timestamp is not a number" },
        { """{"streams":[{"values":[["99999999999999999999","a"]]}]}""", "stream 0 entry 0: timestamp is not a number" },
        { """{"streams":[{"values":[[true,"a"]]}]}""", "stream 0 entry 0: timestamp is not a number" },
        { """{"streams":[{"values":[["1"]]}]}""", "stream 0 entry 0: line must be a string" },
        { """{"streams":[{"values":[["1",5]]}]}""", "stream 0 entry 0: line must be a string" },
        { """{"streams":[{"values":["1"]}]}""", "stream 0 entry 0: must be an array" },
        { """{"streams":[{"values":[["1","a",{"k":2}]]}]}""", "stream 0 entry 0: structured metadata 'k' must have a string value" },
        { """{"streams":[{"values":[["1","a","m"]]}]}""", "stream 0 entry 0: structured metadatas must be an object" },
        { """{"streams":[{"values":[["1","a",{},4]]}]}""", "stream 0 entry 0: expected at most 3 elements" },
        { """{"streams":[{"values":[["1","a"]""", "invalid JSON in stream 0" },
        { """{"streams":[{"values":[["1","a"]]}]} x""", "invalid JSON" },
        { """{"streams":[]}{}""", "invalid JSON" },
        { "", "invalid JSON" },
        { """{"streams":[{"values":[["1","a\u12"]]}]}""", "invalid JSON in stream 0 entry 0" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_json_returns_false_with_a_located_message(string json, string expected)
    {
        Assert.False(PushDecoder.TryDecodeJson(Encoding.UTF8.GetBytes(json), out var request, out var error));
        Assert.Null(request);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Invalid_utf8_in_a_line_does_not_throw()
    {
        var json = Encoding.UTF8.GetBytes("""{"streams":[{"stream":{"a":"b"},"values":[["1","xx"]]}]}""");
        var at = Array.IndexOf(json, (byte)'x');
        json[at] = 0xFF;
        json[at + 1] = 0xFE;

        var ok = PushDecoder.TryDecodeJson(json, out var request, out var error);
        if (ok)
        {
            // Accepted as raw bytes.
            Assert.Equal(new byte[] { 0xFF, 0xFE }, request!.Streams[0].Entries[0].Line.ToArray());
            request.Dispose();
        }
        else
        {
            Assert.Contains("stream 0 entry 0", error, StringComparison.Ordinal);
        }
    }
}
