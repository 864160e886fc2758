using System.Net.Sockets;
using System.Text;
using Runestone.Agent.Config;
using Runestone.Agent.Metrics;
using Runestone.Agent.Pipeline;
using Runestone.Agent.Shipping;
using Runestone.Agent.Syslog;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class SyslogTests
{
    private sealed class CollectingSink : IEntrySink
    {
        public List<ShipEntry> Entries { get; } = [];

        public ValueTask SendAsync(ShipEntry entry, CancellationToken cancellationToken)
        {
            lock (Entries)
            {
                Entries.Add(entry);
            }

            return ValueTask.CompletedTask;
        }

        public int Count
        {
            get
            {
                lock (Entries)
                {
                    return Entries.Count;
                }
            }
        }
    }

    [Fact]
    public void Parses_rfc5424_with_structured_data()
    {
        var text = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] An application event";
        Assert.True(SyslogParser.TryParse(text, DateTimeOffset.UtcNow, out var m, out _));
        Assert.Equal(20, m.Facility);
        Assert.Equal(5, m.Severity);
        Assert.Equal("mymachine.example.com", m.Hostname);
        Assert.Equal("evntslog", m.AppName);
        Assert.Equal("1234", m.ProcId);
        Assert.Equal("ID47", m.MsgId);
        Assert.Equal(new DateTimeOffset(2003, 10, 11, 22, 14, 15, 3, TimeSpan.Zero), m.Timestamp);
        Assert.Equal("exampleSDID@32473", m.StructuredData[0].Id);
        Assert.Equal("Application", m.StructuredData[0].Params[1].Value);
        Assert.Equal("An application event", m.Message);
    }

    [Fact]
    public void Parses_rfc3164()
    {
        var now = new DateTimeOffset(2024, 10, 20, 0, 0, 0, TimeSpan.Zero);
        Assert.True(SyslogParser.TryParse("<34>Oct 11 22:14:15 mymachine su[42]: 'su root' failed for lonvick on /dev/pts/8", now, out var m, out _));
        Assert.Equal(4, m.Facility);
        Assert.Equal(2, m.Severity);
        Assert.Equal("mymachine", m.Hostname);
        Assert.Equal("su", m.AppName);
        Assert.Equal("42", m.ProcId);
        Assert.Equal(new DateTimeOffset(2024, 10, 11, 22, 14, 15, TimeSpan.Zero), m.Timestamp);
        Assert.Equal("'su root' failed for lonvick on /dev/pts/8", m.Message);
    }

    [Fact]
    public void Rejects_messages_without_priority()
    {
        Assert.False(SyslogParser.TryParse("no priority", DateTimeOffset.UtcNow, out _, out var error));
        Assert.Contains("priority", error, StringComparison.Ordinal);
    }

    private static ScrapeConfig Scrape(string protocol)
    {
        var s = new ScrapeConfig { JobName = "syslog", Syslog = new SyslogConfig { ListenAddress = "127.0.0.1:0", ListenProtocol = protocol, LabelStructuredData = true, UseIncomingTimestamp = true } };
        s.Syslog.Labels["job"] = "kubernetes-system";
        var r1 = new Relabeling.RelabelConfig { TargetLabel = "host" };
        r1.SourceLabels.Add("__syslog_message_hostname");
        var r2 = new Relabeling.RelabelConfig { TargetLabel = "severity" };
        r2.SourceLabels.Add("__syslog_message_severity");
        var r3 = new Relabeling.RelabelConfig { TargetLabel = "sd_src" };
        r3.SourceLabels.Add("__syslog_message_sd_exampleSDID_32473_eventSource");
        s.RelabelConfigs.AddRange([r1, r2, r3]);
        return s;
    }

    [Fact]
    public async Task Tcp_octet_counting_and_newline_framing()
    {
        var sink = new CollectingSink();
        var target = new SyslogTarget(Scrape("tcp"), new PipelineRunner([], sink, TimeProvider.System), new AgentMetrics(), TimeProvider.System);
        target.Start();
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(target.LocalEndpoint!);
            var m1 = "<165>1 2003-10-11T22:14:15.003Z host1 app 1 ID47 [exampleSDID@32473 eventSource=\"App\"] first";
            var m2 = "<13>1 2003-10-11T22:14:16Z host2 app - - - second\nwith newline inside";
            var m3 = "<14>Oct 11 22:14:15 host3 cron: third";
            var payload = $"{Encoding.UTF8.GetByteCount(m1)} {m1}{Encoding.UTF8.GetByteCount(m2)} {m2}";
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(payload));
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(m3 + "\n"));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (sink.Count < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
        finally
        {
            await target.DisposeAsync();
        }

        Assert.Equal(3, sink.Entries.Count);
        Assert.Equal("first", sink.Entries[0].Line);
        Assert.Equal("{host=\"host1\", job=\"kubernetes-system\", sd_src=\"App\", severity=\"notice\"}", sink.Entries[0].Labels.ToString());
        Assert.Equal(1065910455003000000L, sink.Entries[0].TimestampNs);
        Assert.Equal("second\nwith newline inside", sink.Entries[1].Line);
        Assert.Equal("third", sink.Entries[2].Line);
        Assert.Equal("informational", sink.Entries[2].Labels.Get("severity"));
    }

    [Fact]
    public async Task Tcp_with_tls()
    {
        using var dir = new TempDir();
        using (var key = System.Security.Cryptography.RSA.Create(2048))
        {
            var req = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(dir.File("cert.pem"), cert.ExportCertificatePem());
            File.WriteAllText(dir.File("key.pem"), key.ExportPkcs8PrivateKeyPem());
        }

        var scrape = Scrape("tcp");
        scrape.Syslog!.Tls = new TlsConfig { CertFile = dir.File("cert.pem"), KeyFile = dir.File("key.pem") };
        var sink = new CollectingSink();
        var target = new SyslogTarget(scrape, new PipelineRunner([], sink, TimeProvider.System), new AgentMetrics(), TimeProvider.System);
        target.Start();
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(target.LocalEndpoint!);
            var expected = File.ReadAllText(dir.File("cert.pem"));
            using var tls = new System.Net.Security.SslStream(client.GetStream(), false, (_, certificate, _, _) =>
                certificate is not null && new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate).ExportCertificatePem() == expected);
            await tls.AuthenticateAsClientAsync("localhost");
            await tls.WriteAsync(Encoding.UTF8.GetBytes("<14>1 2024-01-01T00:00:00Z box app - - - over tls\n"));
            await tls.FlushAsync();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (sink.Count < 1 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
        finally
        {
            await target.DisposeAsync();
        }

        Assert.Equal("over tls", Assert.Single(sink.Entries).Line);
    }

    [Fact]
    public async Task Udp_datagrams()
    {
        var sink = new CollectingSink();
        var target = new SyslogTarget(Scrape("udp"), new PipelineRunner([], sink, TimeProvider.System), new AgentMetrics(), TimeProvider.System);
        target.Start();
        try
        {
            using var udp = new UdpClient();
            var bytes = Encoding.UTF8.GetBytes("<11>1 2024-01-01T00:00:00Z box kernel - - - oops");
            await udp.SendAsync(bytes, bytes.Length, target.LocalEndpoint!);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (sink.Count < 1 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
        finally
        {
            await target.DisposeAsync();
        }

        var e = Assert.Single(sink.Entries);
        Assert.Equal("oops", e.Line);
        Assert.Equal("error", e.Labels.Get("severity"));
        Assert.Equal("box", e.Labels.Get("host"));
    }
}
