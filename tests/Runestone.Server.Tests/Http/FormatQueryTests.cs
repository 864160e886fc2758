using System.Net;
using System.Text.Json;
using Runestone.Server.Configuration;
using Xunit;

namespace Runestone.Server.Tests.Http;

/// <summary><c>/loki/api/v1/format_query</c> answers Loki's shape with Loki's pretty-printed query.</summary>
public sealed class FormatQueryTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "runestone-fq-" + Guid.NewGuid().ToString("N")[..12]);
    private RunestoneServer? _server;
    private HttpClient? _http;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _server = new RunestoneServer(new RunestoneOptions
        {
            AuthEnabled = false,
            Server = new ServerOptions { HttpListenAddress = "127.0.0.1", HttpListenPort = 0 },
            Common = new CommonOptions { PathPrefix = _directory },
            Ingester = new IngesterOptions { Wal = new WalOptions { Fsync = FsyncPolicy.Never } },
        });
        await _server.StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temp later.
        }
    }

    [Fact]
    public async Task Long_queries_come_back_in_Lokis_multi_line_layout()
    {
        const string Query = "sum by (namespace) (count_over_time({app=\"checkout\", namespace=\"production\", cluster=\"eu-west-1\"} |= \"error\" | logfmt | level=\"error\" | line_format \"{{.msg}}\" [5m]))";
        const string Expected = "sum by (namespace)(\n  count_over_time(\n    {app=\"checkout\", namespace=\"production\", cluster=\"eu-west-1\"}\n      |= \"error\"\n      | logfmt\n      | level=\"error\"\n      | line_format \"{{.msg}}\" [5m]\n  )\n)";
        using var response = await _http!.GetAsync("loki/api/v1/format_query?query=" + Uri.EscapeDataString(Query));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("success", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(Expected, body.RootElement.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Short_queries_stay_on_one_line_and_POST_forms_work()
    {
        using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("query", "{foo=   \"bar\"}")]);
        using var response = await _http!.PostAsync("loki/api/v1/format_query", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("{foo=\"bar\"}", body.RootElement.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Invalid_queries_are_a_bad_request()
    {
        using var response = await _http!.GetAsync("loki/api/v1/format_query?query=" + Uri.EscapeDataString("{foo=\"bar\""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
