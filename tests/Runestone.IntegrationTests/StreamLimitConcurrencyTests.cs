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
            // Awaiting (not blocking on) the start signal keeps thread-pool threads free for the
            // in-process server while 64 pushes line up.
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var pushes = Enumerable.Range(0, 64).Select(async i =>
            {
                await go.Task;
                using var response = await server.Loki.PushProtobufAsync(tenant, Loki.Stream($"{{app=\"s{i}\"}}", (ts, "line")));
                return response.StatusCode;
            }).ToList();
            await Task.Delay(50);
            go.SetResult();
            var results = await Task.WhenAll(pushes);
            var accepted = results.Count(s => s == HttpStatusCode.NoContent);
            Assert.True(accepted <= 5, $"round {round}: {accepted} new streams accepted with max_global_streams_per_user = 5");
        }
    }
}
