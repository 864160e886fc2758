using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>Empty results are still Loki-shaped: empty arrays, never null or missing.</summary>
public sealed class EmptyResultTests
{
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
