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
}
