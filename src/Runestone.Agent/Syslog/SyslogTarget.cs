using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Runestone.Agent.Config;
using Runestone.Agent.Metrics;
using Runestone.Agent.Pipeline;
using Runestone.Agent.Relabeling;
using Runestone.Agent.Targets;
using Runestone.Core.Time;

namespace Runestone.Agent.Syslog;

/// <summary>
/// Receives syslog over TCP (octet counting or newline framing) or UDP, turns each message into
/// an entry with Promtail's <c>__syslog_*</c> labels, relabels it and runs the job's pipeline.
/// </summary>
public sealed class SyslogTarget : ITargetReporter, IAsyncDisposable
{
    private readonly ScrapeConfig _scrape;
    private readonly SyslogConfig _config;
    private readonly PipelineRunner _runner;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private TcpListener? _tcp;
    private System.Security.Cryptography.X509Certificates.X509Certificate2? _certificate;
    private UdpClient? _udp;

    public SyslogTarget(ScrapeConfig scrape, PipelineRunner runner, AgentMetrics metrics, TimeProvider clock)
    {
        _scrape = scrape;
        _config = scrape.Syslog!;
        _runner = runner;
        _metrics = metrics;
        _clock = clock;
    }

    /// <summary>The bound endpoint (useful when the config asked for port 0).</summary>
    public IPEndPoint? LocalEndpoint { get; private set; }

    public void Start()
    {
        var endpoint = ParseEndpoint(_config.ListenAddress);
        if (_config.ListenProtocol == "udp")
        {
            _udp = new UdpClient(endpoint);
            LocalEndpoint = (IPEndPoint)_udp.Client.LocalEndPoint!;
            _tasks.Add(UdpLoopAsync(_stop.Token));
        }
        else
        {
            if (_config.Tls is { CertFile.Length: > 0, KeyFile.Length: > 0 } tls)
            {
                // TLS over TCP (RFC 5425): the server certificate and key from tls_config.
                _certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
            }

            _tcp = new TcpListener(endpoint);
            _tcp.Start();
            LocalEndpoint = (IPEndPoint)_tcp.LocalEndpoint;
            _tasks.Add(AcceptLoopAsync(_stop.Token));
        }
    }

    public IReadOnlyList<TargetInfo> Targets() =>
    [
        new TargetInfo(_scrape.JobName, "syslog", new Dictionary<string, string> { ["__address__"] = _config.ListenAddress, ["protocol"] = _config.ListenProtocol }, _config.Labels, LocalEndpoint is not null,
            LocalEndpoint is null ? "not listening" : $"listening on {_config.ListenProtocol}://{LocalEndpoint}"),
    ];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _tcp?.Stop();
        _udp?.Dispose();
        _certificate?.Dispose();
        try
        {
            await Task.WhenAll(_tasks).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        await _runner.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    internal static IPEndPoint ParseEndpoint(string address)
    {
        var colon = address.LastIndexOf(':');
        var host = colon > 0 ? address[..colon].Trim('[', ']') : string.Empty;
        var port = int.Parse(address[(colon + 1)..], CultureInfo.InvariantCulture);
        var ip = host.Length == 0 || host == "0.0.0.0" ? IPAddress.Any : host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        return new IPEndPoint(ip, port);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp!.AcceptTcpClientAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var task = HandleConnectionAsync(client, ct);
            lock (_tasks)
            {
                _tasks.RemoveAll(t => t.IsCompleted);
                _tasks.Add(task);
            }
        }
    }

    private async Task HandleConnectionAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        var remote = (IPEndPoint?)client.Client.RemoteEndPoint;
        Stream stream = client.GetStream();
        if (_certificate is not null)
        {
            var tls = new System.Net.Security.SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsServerAsync(_certificate, clientCertificateRequired: false, checkCertificateRevocation: false).WaitAsync(_config.IdleTimeout, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"agent: syslog job {_scrape.JobName}: TLS handshake with {remote} failed: {ex.Message}").ConfigureAwait(false);
                await tls.DisposeAsync().ConfigureAwait(false);
                return;
            }

            stream = tls;
        }

        var buffer = new byte[64 * 1024];
        var pending = new MemoryStream();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
                idle.CancelAfter(_config.IdleTimeout);
                int n;
                try
                {
                    n = await stream.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    return;
                }

                if (n == 0)
                {
                    break;
                }

                pending.Write(buffer, 0, n);
                await ExtractFramesAsync(pending, remote, final: false, ct).ConfigureAwait(false);
            }

            await ExtractFramesAsync(pending, remote, final: true, ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Takes complete frames out of <paramref name="pending"/>: octet counting when a frame starts with a digit, else up to a newline.</summary>
    private async Task ExtractFramesAsync(MemoryStream pending, IPEndPoint? remote, bool final, CancellationToken ct)
    {
        var data = pending.GetBuffer();
        var length = (int)pending.Length;
        var pos = 0;
        while (pos < length)
        {
            if (data[pos] is (byte)'\n' or (byte)'\r' or (byte)' ')
            {
                pos++;
                continue;
            }

            if (data[pos] is >= (byte)'1' and <= (byte)'9')
            {
                var sp = Array.IndexOf(data, (byte)' ', pos, length - pos);
                if (sp < 0 || !int.TryParse(Encoding.ASCII.GetString(data, pos, sp - pos), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    break;
                }

                if (sp + 1 + count > length)
                {
                    break;
                }

                await HandleMessageAsync(Encoding.UTF8.GetString(data, sp + 1, count), remote, ct).ConfigureAwait(false);
                pos = sp + 1 + count;
                continue;
            }

            var nl = Array.IndexOf(data, (byte)'\n', pos, length - pos);
            if (nl < 0)
            {
                if (final || length - pos > _config.MaxMessageLength)
                {
                    await HandleMessageAsync(Encoding.UTF8.GetString(data, pos, length - pos), remote, ct).ConfigureAwait(false);
                    pos = length;
                }

                break;
            }

            await HandleMessageAsync(Encoding.UTF8.GetString(data, pos, nl - pos), remote, ct).ConfigureAwait(false);
            pos = nl + 1;
        }

        var rest = length - pos;
        Buffer.BlockCopy(data, pos, data, 0, rest);
        pending.SetLength(rest);
    }

    private async Task UdpLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            UdpReceiveResult result;
            try
            {
                result = await _udp!.ReceiveAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            await HandleMessageAsync(Encoding.UTF8.GetString(result.Buffer), result.RemoteEndPoint, ct).ConfigureAwait(false);
        }
    }

    internal async Task HandleMessageAsync(string text, IPEndPoint? remote, CancellationToken ct)
    {
        if (text.Length > _config.MaxMessageLength)
        {
            text = text[.._config.MaxMessageLength];
        }

        var now = _clock.GetUtcNow();
        if (!SyslogParser.TryParse(text, now, out var m, out var error))
        {
            _metrics.SyslogParsingErrors.Inc();
            await Console.Error.WriteLineAsync($"agent: syslog job {_scrape.JobName}: cannot parse message from {remote}: {error}").ConfigureAwait(false);
            return;
        }

        var labels = new Dictionary<string, string>(_config.Labels, StringComparer.Ordinal);
        if (remote is not null)
        {
            labels["__syslog_connection_ip_address"] = remote.Address.ToString();
            labels["__syslog_connection_hostname"] = remote.Address.ToString();
        }

        labels["__syslog_message_severity"] = SyslogMessage.SeverityNames[m.Severity];
        labels["__syslog_message_facility"] = m.Facility < SyslogMessage.FacilityNames.Length ? SyslogMessage.FacilityNames[m.Facility] : m.Facility.ToString(CultureInfo.InvariantCulture);
        Add(labels, "__syslog_message_hostname", m.Hostname);
        Add(labels, "__syslog_message_app_name", m.AppName);
        Add(labels, "__syslog_message_proc_id", m.ProcId);
        Add(labels, "__syslog_message_msg_id", m.MsgId);
        if (_config.LabelStructuredData)
        {
            foreach (var (id, parameters) in m.StructuredData)
            {
                var prefix = "__syslog_message_sd_" + Sanitize(id.Replace('@', '_'));
                foreach (var (name, value) in parameters)
                {
                    labels[prefix + "_" + Sanitize(name)] = value;
                }
            }
        }

        if (!Relabeler.Apply(_scrape.RelabelConfigs, labels))
        {
            return;
        }

        var ts = _config.UseIncomingTimestamp && m.Timestamp is { } t ? UnixNanos.FromDateTimeOffset(t) : UnixNanos.FromDateTimeOffset(now);
        var line = _config.UseRfc5424Message ? text : m.Message;
        var publicLabels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in labels)
        {
            if (!k.StartsWith("__", StringComparison.Ordinal))
            {
                publicLabels[k] = v;
            }
        }

        _metrics.SyslogEntries.Inc();
        await _runner.ProcessAsync(new PipelineEntry(publicLabels, line, ts) { ReadTimeNs = UnixNanos.FromDateTimeOffset(now) }, ct).ConfigureAwait(false);
    }

    private static void Add(Dictionary<string, string> labels, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            labels[name] = value;
        }
    }

    private static string Sanitize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return sb.ToString();
    }
}
