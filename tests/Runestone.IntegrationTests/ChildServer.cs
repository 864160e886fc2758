using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Runestone.IntegrationTests;

/// <summary>
/// <c>runestone server</c> as a real child process (the <c>runestone.dll</c> built next to the test
/// assembly), for tests that must kill it with SIGKILL.
/// </summary>
internal sealed partial class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr = [];

    private ChildServer(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
        Loki = new Loki(Http);
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public Loki Loki { get; }

    public static async Task<ChildServer> StartAsync(string dataDirectory, string configFile, bool waitReady = true)
    {
        var dll = Dll();
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("runestone.dll is not next to the test assembly; build src/Runestone", dll);
        }

        var host = Host();
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "server", "-config.file=" + configFile, "-server.http-listen-address=127.0.0.1", "-server.http-listen-port=0", "-common.path-prefix=" + dataDirectory, "-auth.enabled=true" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + host);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("runestone exited before listening:\n" + string.Join('\n', lines)));
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (ListeningLine().Match(e.Data) is { Success: true } m)
            {
                listening.TrySetResult(new Uri(m.Groups[1].Value));
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        Uri address;
        try
        {
            address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var child = new ChildServer(process, address);
        lock (lines)
        {
            child._stderr.AddRange(lines);
        }

        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (child._stderr)
                {
                    child._stderr.Add(e.Data);
                }
            }
        };
        if (waitReady)
        {
            await child.WaitReadyAsync();
        }

        return child;
    }

    /// <summary>Everything the process wrote to stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>Runs <c>runestone</c> with <paramref name="args"/> to completion (at most 30 s): exit code and stderr.</summary>
    public static async Task<(int ExitCode, string Stderr)> RunToEndAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Host()) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("runestone " + string.Join(' ', args) + " did not exit: " + await stderr);
        }

        return (process.ExitCode, await stderr);
    }

    private static string Dll() => Path.Combine(AppContext.BaseDirectory, "runestone.dll");

    private static string Host() => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    /// <summary>SIGKILL on Linux: no flush, no WAL close, no finally blocks.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var response = await Http.GetAsync("ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("runestone did not become ready in 30 s");
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex ListeningLine();
}
