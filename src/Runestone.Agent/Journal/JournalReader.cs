using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Runestone.Agent.Journal;

/// <summary>
/// An open journal read forwards with libsystemd. sd-journal objects belong to the thread that
/// opened them, so one reader is used from one thread for its whole life.
/// </summary>
public sealed unsafe class JournalReader : IDisposable
{
    private readonly JournalHandle _handle;

    private JournalReader(JournalHandle handle) => _handle = handle;

    /// <summary>Whether libsystemd.so.0 can be loaded here (false means no journal can be read).</summary>
    public static bool IsAvailable => SdJournalNative.IsAvailable;

    /// <summary>
    /// Opens the local system journal (<paramref name="path"/> empty), a journal directory, or a
    /// single journal file.
    /// </summary>
    public static JournalReader Open(string? path)
    {
        JournalHandle handle;
        int rc;
        if (string.IsNullOrEmpty(path))
        {
            rc = SdJournalNative.sd_journal_open(out handle, SdJournalNative.LocalOnly);
        }
        else if (File.Exists(path))
        {
            var bytes = Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* p = bytes)
            {
                var paths = stackalloc byte*[2] { p, null };
                rc = SdJournalNative.sd_journal_open_files(out handle, paths, 0);
            }
        }
        else if (Directory.Exists(path))
        {
            rc = SdJournalNative.sd_journal_open_directory(out handle, path, 0);
        }
        else
        {
            throw new JournalException($"journal path '{path}' does not exist");
        }

        Check(rc, "sd_journal_open");
        return new JournalReader(handle);
    }

    /// <summary>
    /// Adds journalctl-style matches: <c>FIELD=value</c> terms separated by spaces (terms on the
    /// same field are ORed, different fields ANDed) and <c>+</c> for a disjunction.
    /// </summary>
    public void AddMatches(string matches)
    {
        foreach (var term in matches.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (term == "+")
            {
                Check(SdJournalNative.sd_journal_add_disjunction(_handle), "sd_journal_add_disjunction");
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(term);
            fixed (byte* p = bytes)
            {
                Check(SdJournalNative.sd_journal_add_match(_handle, p, (nuint)bytes.Length), $"sd_journal_add_match '{term}'");
            }
        }
    }

    /// <summary>Parses <paramref name="matches"/> like <see cref="AddMatches"/>; null when valid, else why not.</summary>
    public static string? ValidateMatches(string matches)
    {
        foreach (var term in matches.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = term.IndexOf('=', StringComparison.Ordinal);
            if (term != "+" && eq <= 0)
            {
                return $"'{term}' is not a FIELD=value match";
            }
        }

        return null;
    }

    /// <summary>Positions on the entry with <paramref name="cursor"/>, or the nearest one after it; true when it is that very entry.</summary>
    public bool SeekCursor(string cursor, out bool found)
    {
        Check(SdJournalNative.sd_journal_seek_cursor(_handle, cursor), "sd_journal_seek_cursor");
        found = Next();
        return found && SdJournalNative.sd_journal_test_cursor(_handle, cursor) > 0;
    }

    /// <summary>The next <see cref="Next"/> returns the first entry at or after <paramref name="usec"/>.</summary>
    public void SeekRealtime(long usec) =>
        Check(SdJournalNative.sd_journal_seek_realtime_usec(_handle, (ulong)Math.Max(0, usec)), "sd_journal_seek_realtime_usec");

    /// <summary>Moves to the next entry; false at the end of the journal (for now).</summary>
    public bool Next()
    {
        var rc = SdJournalNative.sd_journal_next(_handle);
        Check(rc, "sd_journal_next");
        return rc > 0;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the journal to change.</summary>
    public void Wait(TimeSpan timeout) =>
        Check(SdJournalNative.sd_journal_wait(_handle, (ulong)(timeout.Ticks / 10)), "sd_journal_wait");

    /// <summary>Realtime timestamp of the current entry in microseconds since the epoch.</summary>
    public long RealtimeUsec()
    {
        Check(SdJournalNative.sd_journal_get_realtime_usec(_handle, out var usec), "sd_journal_get_realtime_usec");
        return (long)usec;
    }

    /// <summary>Reads the current entry.</summary>
    public JournalEntry Read()
    {
        var fields = new Dictionary<string, string>(32, StringComparer.Ordinal);
        SdJournalNative.sd_journal_restart_data(_handle);
        int rc;
        while ((rc = SdJournalNative.sd_journal_enumerate_data(_handle, out var data, out var length)) > 0)
        {
            var span = new ReadOnlySpan<byte>(data, checked((int)length));
            var eq = span.IndexOf((byte)'=');
            if (eq <= 0)
            {
                continue;
            }

            fields[Encoding.ASCII.GetString(span[..eq])] = Encoding.UTF8.GetString(span[(eq + 1)..]);
        }

        Check(rc, "sd_journal_enumerate_data");
        var realtime = RealtimeUsec();
        var bootId = stackalloc byte[16];
        Check(SdJournalNative.sd_journal_get_monotonic_usec(_handle, out var monotonic, bootId), "sd_journal_get_monotonic_usec");
        var cursor = Cursor();
        fields["__CURSOR"] = cursor;
        fields["__REALTIME_TIMESTAMP"] = realtime.ToString(CultureInfo.InvariantCulture);
        fields["__MONOTONIC_TIMESTAMP"] = monotonic.ToString(CultureInfo.InvariantCulture);
        return new JournalEntry(fields, realtime, cursor);
    }

    public void Dispose() => _handle.Dispose();

    private string Cursor()
    {
        Check(SdJournalNative.sd_journal_get_cursor(_handle, out var cursor), "sd_journal_get_cursor");
        try
        {
            return Marshal.PtrToStringUTF8((nint)cursor) ?? string.Empty;
        }
        finally
        {
            SdJournalNative.Free(cursor);
        }
    }

    private static void Check(int rc, string call)
    {
        if (rc < 0)
        {
            Fail(rc, call);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Fail(int rc, string call) =>
        throw new JournalException($"{call}: {Marshal.GetPInvokeErrorMessage(-rc)}");
}
