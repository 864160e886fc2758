using System.Globalization;
using System.Net;

namespace Runestone.Bench.Workload;

/// <summary>Command-line options of <c>workload</c>; sizes take binary suffixes (1GB = 2^30 bytes).</summary>
internal sealed record WorkloadOptions
{
    public Uri Url { get; init; } = new("http://127.0.0.1:3100");
    public long Bytes { get; init; } = 1L << 30;
    public int Connections { get; init; } = 4;
    public string OutDir { get; init; } = "bench/out";
    public int? ServerPid { get; init; }
    public string? DataDir { get; init; }
    public int Seed { get; init; } = 42;
    public int Streams { get; init; } = 100;
    public int BatchBytes { get; init; } = 1 << 20;
    public TimeSpan Span { get; init; } = TimeSpan.FromHours(1);
    public string? Tenant { get; init; }
    public bool SkipQueries { get; init; }

    /// <summary>Share of the batches (the oldest) pushed a second time after the flush, as a client retry would.</summary>
    public double RetryFraction { get; init; } = 0.1;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public static bool TryParse(string[] args, out WorkloadOptions options, out string? error)
    {
        options = new WorkloadOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Length)
                {
                    throw new FormatException($"{arg} needs a value");
                }

                return args[++i];
            }

            try
            {
                options = arg switch
                {
                    "--url" => options with { Url = new Uri(Value()) },
                    "--bytes" => options with { Bytes = ParseSize(Value()) },
                    "--connections" => options with { Connections = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--out" => options with { OutDir = Value() },
                    "--server-pid" => options with { ServerPid = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--data-dir" => options with { DataDir = Value() },
                    "--seed" => options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--streams" => options with { Streams = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--batch-bytes" => options with { BatchBytes = (int)ParseSize(Value()) },
                    "--span-minutes" => options with { Span = TimeSpan.FromMinutes(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                    "--tenant" => options with { Tenant = Value() },
                    "--skip-queries" => options with { SkipQueries = true },
                    "--retry-fraction" => options with { RetryFraction = double.Parse(Value(), CultureInfo.InvariantCulture) },
                    _ => throw new FormatException($"unknown option '{arg}'"),
                };
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or UriFormatException)
            {
                error = ex.Message;
                return false;
            }
        }

        if (!IsLoopback(options.Url))
        {
            error = $"--url {options.Url} is not a loopback address: the workload only targets this machine (127.0.0.1, localhost, [::1])";
            return false;
        }

        if (options.Bytes <= 0 || options.Connections is < 1 or > 64 || options.Streams < 1 || options.BatchBytes < 1024 || options.RetryFraction is < 0 or > 1)
        {
            error = "--bytes must be positive, --connections between 1 and 64, --streams at least 1, --batch-bytes at least 1KB, --retry-fraction between 0 and 1";
            return false;
        }

        return true;
    }

    public static long ParseSize(string text)
    {
        var s = text.Trim().ToUpperInvariant();
        long multiplier = 1;
        foreach (var (suffix, value) in new[] { ("GIB", 1L << 30), ("MIB", 1L << 20), ("KIB", 1L << 10), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10), ("B", 1L) })
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal))
            {
                multiplier = value;
                s = s[..^suffix.Length];
                break;
            }
        }

        return checked((long)(double.Parse(s, CultureInfo.InvariantCulture) * multiplier));
    }

    internal static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
