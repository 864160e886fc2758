using System.Diagnostics;
using System.Globalization;
using Runestone.Bench.Workload;

namespace Runestone.Bench.AgentBench;

/// <summary>
/// <c>crifile --bytes 1GB --out PATH [--seed 42] [--span-minutes 60]</c>: writes the agent benchmark's
/// input, a file of CRI-wrapped lines (<see cref="CriLineGenerator"/>) with timestamps within the
/// last <c>--span-minutes</c>, and prints <c>lines=N partials=N entries=N bytes=N</c> on stdout
/// (entries is what the agent must ship); the human summary goes to stderr.
/// </summary>
internal static class CriFileCommand
{
    /// <summary>The average line length the timestamp spacing is planned for; a shorter average only ends nearer to now.</summary>
    private const int PlannedLineBytes = 120;

    public static int Run(string[] args)
    {
        long bytes = 1L << 30;
        string? outPath = null;
        var seed = 42;
        var span = TimeSpan.FromHours(1);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"crifile: {arg} needs a value");
                return 2;
            }

            var value = args[++i];
            try
            {
                switch (arg)
                {
                    case "--bytes": bytes = WorkloadOptions.ParseSize(value); break;
                    case "--out": outPath = value; break;
                    case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--span-minutes": span = TimeSpan.FromMinutes(double.Parse(value, CultureInfo.InvariantCulture)); break;
                    default: Console.Error.WriteLine($"crifile: unknown option '{arg}'"); return 2;
                }
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                Console.Error.WriteLine($"crifile: {arg} {value}: {ex.Message}");
                return 2;
            }
        }

        if (outPath is null || bytes <= 0 || span <= TimeSpan.Zero)
        {
            Console.Error.WriteLine("usage: Runestone.Bench crifile --bytes 1GB --out PATH [--seed 42] [--span-minutes 60]");
            return 2;
        }

        var stopwatch = Stopwatch.StartNew();
        var endNs = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1_000) * 1_000_000;
        var startNs = endNs - (long)(span.TotalMilliseconds * 1_000_000);
        var generator = new CriLineGenerator(seed, startNs, endNs, bytes / PlannedLineBytes);
        var buffer = new byte[1 << 20];
        long written = 0;
        using (var file = new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1))
        {
            var filled = 0;
            // A trailing partial line would never become an entry, so the file always ends with its rest.
            while (written < bytes || generator.HasPendingRest)
            {
                if (buffer.Length - filled < CriLineGenerator.MaxLineBytes)
                {
                    file.Write(buffer, 0, filled);
                    filled = 0;
                }

                var length = generator.Write(buffer.AsSpan(filled));
                filled += length;
                written += length;
            }

            file.Write(buffer, 0, filled);
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"crifile: {outPath}: {written:N0} bytes, {generator.Lines:N0} lines ({written / (double)generator.Lines:0.0} bytes each, {generator.Partials:N0} partial), {generator.Entries:N0} entries expected; {stopwatch.Elapsed.TotalSeconds:0.0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lines={generator.Lines} partials={generator.Partials} entries={generator.Entries} bytes={written}"));
        return 0;
    }
}
