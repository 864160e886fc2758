using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Runestone.Agent.Tests;

/// <summary>
/// Writes real journal files with systemd-journal-remote, fed systemd's journal export format on
/// stdin (fields as FIELD=value lines, binary-safe FIELD\n&lt;le64 size&gt;value for multi-line values,
/// entries separated by a blank line). Appending to the same file adds entries to it.
/// </summary>
internal static class JournalFiles
{
    public const string BootId = "0f5c5a1d3b3c4e1f9a8b7c6d5e4f3a2b";

    private static readonly string[] s_candidates = ["/usr/lib/systemd/systemd-journal-remote", "/lib/systemd/systemd-journal-remote"];

    private static long s_monotonic = 1_000_000;

    /// <summary>One entry: its wall-clock time and fields (without the __ timestamps, added here).</summary>
    public sealed record Entry(DateTimeOffset Time, params (string Name, string Value)[] Fields);

    public static string Tool =>
        s_candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("systemd-journal-remote is not installed: apt-get install -y systemd-journal-remote (see .ci/run)");

    public static long Usec(DateTimeOffset t) => (t.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    public static void Append(string file, params Entry[] entries)
    {
        using var export = new MemoryStream();
        foreach (var e in entries)
        {
            Line(export, "__REALTIME_TIMESTAMP=" + Usec(e.Time).ToString(CultureInfo.InvariantCulture));
            Line(export, "__MONOTONIC_TIMESTAMP=" + Interlocked.Add(ref s_monotonic, 1000).ToString(CultureInfo.InvariantCulture));
            Line(export, "_BOOT_ID=" + BootId);
            foreach (var (name, value) in e.Fields)
            {
                if (value.Contains('\n', StringComparison.Ordinal))
                {
                    var bytes = Encoding.UTF8.GetBytes(value);
                    export.Write(Encoding.ASCII.GetBytes(name + "\n"));
                    export.Write(BitConverter.GetBytes((ulong)bytes.Length));
                    export.Write(bytes);
                    export.WriteByte((byte)'\n');
                }
                else
                {
                    Line(export, name + "=" + value);
                }
            }

            export.WriteByte((byte)'\n');
        }

        var start = new ProcessStartInfo(Tool, ["--output=" + file, "-"])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.BaseStream.Write(export.ToArray());
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"systemd-journal-remote exited with {process.ExitCode}: {stderr}");
        }
    }

    private static void Line(Stream s, string text) => s.Write(Encoding.UTF8.GetBytes(text + "\n"));
}
