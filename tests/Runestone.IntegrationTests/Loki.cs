using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Runestone.Core.Labels;
using Runestone.Protocol.Push;
using Xunit;

namespace Runestone.IntegrationTests;

/// <summary>One entry of a streams result: the stream's labels, the timestamp and the line.</summary>
internal sealed record ResultLine(IReadOnlyDictionary<string, string> Labels, long TimestampNs, string Line);

/// <summary>A client of Loki's HTTP API the way Promtail, logcli and Grafana speak it.</summary>
internal sealed class Loki(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public static long NowNs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

    public static PushStreamData Stream(string labels, params (long Ts, string Line)[] entries) =>
        new(labels, entries.Select(e => new PushEntryData(e.Ts, Encoding.UTF8.GetBytes(e.Line))).ToArray());

    public static PushStreamData Stream(string labels, IEnumerable<PushEntryData> entries) => new(labels, entries.ToArray());

    public static PushEntryData Entry(long ts, string line, params (string Name, string Value)[] metadata) =>
        new(ts, Encoding.UTF8.GetBytes(line), metadata.Length == 0 ? null : metadata.Select(m => new LabelPair(m.Name, m.Value)).ToArray());

    public Task<HttpResponseMessage> PushProtobufAsync(string? tenant, params PushStreamData[] streams) =>
        SendPushAsync(tenant, PushEncoder.EncodeProtobufSnappy(streams), "application/x-protobuf", gzip: false);

    public Task<HttpResponseMessage> PushJsonAsync(string? tenant, bool gzip, params PushStreamData[] streams) =>
        SendPushAsync(tenant, PushEncoder.EncodeJson(streams), "application/json", gzip);

    public async Task<HttpResponseMessage> SendPushAsync(string? tenant, byte[] body, string contentType, bool gzip)
    {
        if (gzip)
        {
            using var buffer = new MemoryStream();
            await using (var z = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                await z.WriteAsync(body);
            }

            body = buffer.ToArray();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "loki/api/v1/push") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        AddTenant(request, tenant);
        return await Http.SendAsync(request);
    }

    /// <summary>Pushes and asserts 204.</summary>
    public async Task PushOkAsync(string? tenant, params PushStreamData[] streams)
    {
        using var response = await PushProtobufAsync(tenant, streams);
        await AssertStatusAsync(HttpStatusCode.NoContent, response);
    }

    public async Task<HttpResponseMessage> GetAsync(string pathAndQuery, string? tenant, IEnumerable<KeyValuePair<string, string>>? form = null)
    {
        using var request = new HttpRequestMessage(form is null ? HttpMethod.Get : HttpMethod.Post, pathAndQuery);
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        AddTenant(request, tenant);
        return await Http.SendAsync(request);
    }

    /// <summary>GET (or POST form) and parse a 200 JSON body whose status is "success".</summary>
    public async Task<JsonElement> GetJsonAsync(string pathAndQuery, string? tenant, IEnumerable<KeyValuePair<string, string>>? form = null)
    {
        using var response = await GetAsync(pathAndQuery, tenant, form);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{pathAndQuery}: {(int)response.StatusCode} {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? string.Empty, StringComparison.Ordinal);
        var root = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal("success", root.GetProperty("status").GetString());
        return root;
    }

    public static string Q(params (string Name, object? Value)[] parameters)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            sb.Append(sb.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=')
              .Append(Uri.EscapeDataString(Convert.ToString(value, CultureInfo.InvariantCulture)!));
        }

        return sb.ToString();
    }

    public async Task<JsonElement> QueryRangeJsonAsync(string? tenant, string query, object? start, object? end, int? limit = null, string? direction = null, string? since = null) =>
        await GetJsonAsync("loki/api/v1/query_range" + Q(("query", query), ("start", start), ("end", end), ("limit", limit), ("direction", direction), ("since", since)), tenant);

    public async Task<List<ResultLine>> QueryRangeAsync(string? tenant, string query, object? start, object? end, int? limit = null, string? direction = null, string? since = null) =>
        Lines(await QueryRangeJsonAsync(tenant, query, start, end, limit, direction, since));

    /// <summary>Asserts a streams result's shape and flattens it (streams in answer order, values in answer order).</summary>
    public static List<ResultLine> Lines(JsonElement root)
    {
        var data = root.GetProperty("data");
        Assert.Equal("streams", data.GetProperty("resultType").GetString());
        Assert.Equal(JsonValueKind.Object, data.GetProperty("stats").ValueKind);
        var lines = new List<ResultLine>();
        foreach (var stream in data.GetProperty("result").EnumerateArray())
        {
            var labels = stream.GetProperty("stream").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            foreach (var value in stream.GetProperty("values").EnumerateArray())
            {
                Assert.Equal(JsonValueKind.Array, value.ValueKind);
                Assert.Equal(JsonValueKind.String, value[0].ValueKind);
                Assert.Equal(JsonValueKind.String, value[1].ValueKind);
                lines.Add(new ResultLine(labels, long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture), value[1].GetString()!));
            }
        }

        return lines;
    }

    public static List<string> Strings(JsonElement root) => root.GetProperty("data").EnumerateArray().Select(e => e.GetString()!).ToList();

    public static async Task AssertStatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        }
    }

    private static void AddTenant(HttpRequestMessage request, string? tenant)
    {
        if (tenant is not null)
        {
            request.Headers.Add("X-Scope-OrgID", tenant);
        }
    }
}
