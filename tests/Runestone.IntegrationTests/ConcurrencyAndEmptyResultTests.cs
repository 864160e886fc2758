using System.Net;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>Limits that must hold under concurrent pushes, and empty results that are still Loki-shaped.</summary>
public sealed class ConcurrencyAndEmptyResultTests
{
    [Fact]
    public async Task Max_global_streams_per_user_holds_under_concurrent_pushes()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Limits = o.Limits with { MaxGlobalStreamsPerUser = 5 } });
        var ts = Loki.NowNs();
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await server.Loki.PushProtobufAsync("t", Loki.Stream($"{{app=\"s{i}\"}}", (ts, "line")));
            return response.StatusCode;
        }));
        var series = await server.Loki.GetJsonAsync("loki/api/v1/series" + Loki.Q(("match[]", "{app=~\".+\"}"), ("start", ts - 1_000_000_000L), ("end", ts + 1_000_000_000L)), "t");
        Assert.Equal(5, results.Count(s => s == HttpStatusCode.NoContent));
        Assert.Equal(5, series.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Empty_results_are_empty_arrays()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path);
        var labels = await server.Loki.GetJsonAsync("loki/api/v1/labels", "t");
        Assert.Equal(System.Text.Json.JsonValueKind.Array, labels.GetProperty("data").ValueKind);
        var values = await server.Loki.GetJsonAsync("loki/api/v1/label/nope/values", "t");
        Assert.Equal(0, values.GetProperty("data").GetArrayLength());
        Assert.Empty(await server.Loki.QueryRangeAsync("t", "{app=\"none\"}", null, null));
        var vector = await server.Loki.GetJsonAsync("loki/api/v1/query" + Loki.Q(("query", "count_over_time({app=\"none\"}[5m])")), "t");
        Assert.Equal(0, vector.GetProperty("data").GetProperty("result").GetArrayLength());
    }
}
