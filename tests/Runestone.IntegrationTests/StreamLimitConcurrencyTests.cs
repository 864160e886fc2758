using System.Net;
using Xunit;

namespace Runestone.IntegrationTests;

public sealed class StreamLimitConcurrencyTests
{
    [Fact]
    public async Task Max_global_streams_per_user_is_exact_under_concurrent_pushes()
    {
        using var dir = new TempDirectory();
        await using var server = await TestServer.StartAsync(dir.Path, configure: o => o with { Limits = o.Limits with { MaxGlobalStreamsPerUser = 5 } });
        var ts = Loki.NowNs();
        for (var round = 0; round < 20; round++)
        {
            var tenant = "t" + round;
            using var go = new ManualResetEventSlim();
            var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
            {
                go.Wait();
                using var response = await server.Loki.PushProtobufAsync(tenant, Loki.Stream($"{{app=\"s{i}\"}}", (ts, "line")));
                return response.StatusCode;
            })).Append(Task.Run(() => { Thread.Sleep(50); go.Set(); return HttpStatusCode.OK; })));
            var accepted = results.Count(s => s == HttpStatusCode.NoContent);
            Assert.True(accepted <= 5, $"round {round}: {accepted} new streams accepted with max_global_streams_per_user = 5");
        }
    }
}
