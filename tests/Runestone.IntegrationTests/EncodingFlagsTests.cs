using System.Net;
using System.Text.Json;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>The categorize-labels response encoding (Loki 3): structured metadata in the entry, not the stream.</summary>
public sealed class EncodingFlagsTests
{
    [Fact]
    public async Task Categorize_labels_keeps_structured_metadata_out_of_the_stream_labels()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = Loki.NowNs() - 60_000_000_000L;
        using (var push = await server.Loki.PushJsonAsync("team-a", gzip: false, Loki.Stream("{app=\"worker\"}", [Loki.Entry(t0, "with trace", ("trace_id", "abc")), Loki.Entry(t0 + 1, "plain")])))
        {
            await Loki.AssertStatusAsync(HttpStatusCode.NoContent, push);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "loki/api/v1/query_range" + Loki.Q(("query", "{app=\"worker\"}"), ("start", t0), ("end", t0 + 1_000_000_000L)));
        request.Headers.Add("X-Scope-OrgID", "team-a");
        request.Headers.Add("X-Loki-Response-Encoding-Flags", "categorize-labels");
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var streams = root.GetProperty("data").GetProperty("result").EnumerateArray().ToList();
        Assert.All(streams, s => Assert.False(s.GetProperty("stream").TryGetProperty("trace_id", out _), root.ToString()));
        var values = streams.SelectMany(s => s.GetProperty("values").EnumerateArray()).ToList();
        Assert.Equal(2, values.Count);
        var withTrace = values.Single(v => v[1].GetString() == "with trace");
        Assert.Equal("abc", withTrace[2].GetProperty("structuredMetadata").GetProperty("trace_id").GetString());
    }

    [Fact]
    public async Task Categorize_labels_splits_parsed_labels_from_metadata_and_keeps_one_stream()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var t0 = Loki.NowNs() - 60_000_000_000L;
        using (var push = await server.Loki.PushJsonAsync(
            "team-a",
            gzip: false,
            Loki.Stream("{app=\"api\"}", [Loki.Entry(t0, "level=error status=500", ("trace_id", "abc")), Loki.Entry(t0 + 1, "level=info status=200")])))
        {
            await Loki.AssertStatusAsync(HttpStatusCode.NoContent, push);
        }

        var query = Loki.Q(("query", "{app=\"api\"} | logfmt | label_format code=\"{{.status}}\" | drop status"), ("start", t0), ("end", t0 + 1_000_000_000L), ("direction", "forward"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "loki/api/v1/query_range" + query);
        request.Headers.Add("X-Scope-OrgID", "team-a");
        request.Headers.Add("X-Loki-Response-Encoding-Flags", "categorize-labels");
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        Assert.Equal(["categorize-labels"], data.GetProperty("encodingFlags").EnumerateArray().Select(f => f.GetString()));

        // Both entries stay in the one stream they were pushed to, whatever the pipeline added.
        var stream = Assert.Single(data.GetProperty("result").EnumerateArray());
        Assert.Equal("{\"app\":\"api\"}", stream.GetProperty("stream").GetRawText());
        var values = stream.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(2, values.Count);
        Assert.Equal(
            "{\"structuredMetadata\":{\"trace_id\":\"abc\"},\"parsed\":{\"code\":\"500\",\"level\":\"error\"}}",
            values[0][2].GetRawText());
        Assert.Equal("{\"parsed\":{\"code\":\"200\",\"level\":\"info\"}}", values[1][2].GetRawText());

        // Without the flag the same query folds everything into the stream labels, two streams.
        using var plain = new HttpRequestMessage(HttpMethod.Get, "loki/api/v1/query_range" + query);
        plain.Headers.Add("X-Scope-OrgID", "team-a");
        using var plainResponse = await server.Http.SendAsync(plain);
        var plainData = JsonDocument.Parse(await plainResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        Assert.False(plainData.TryGetProperty("encodingFlags", out _));
        var plainStreams = plainData.GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(2, plainStreams.Count);
        Assert.All(plainStreams, s => Assert.Equal(2, s.GetProperty("values")[0].GetArrayLength()));
        Assert.Contains(plainStreams, s => s.GetProperty("stream").TryGetProperty("trace_id", out _) && s.GetProperty("stream").TryGetProperty("code", out _));
    }
}
