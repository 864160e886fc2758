using System.Runtime.InteropServices;

namespace Runestone.Agent.Journal;

/// <summary>The few sd-journal(3) calls the journal target needs, bound to libsystemd.so.0 at first use.</summary>
internal static unsafe partial class SdJournalNative
{
    public const string Library = "libsystemd.so.0";

    /// <summary>SD_JOURNAL_LOCAL_ONLY: the journals of this machine (system and users), as journalctl reads by default.</summary>
    public const int LocalOnly = 1;

    private static readonly Lazy<bool> s_available = new(() =>
    {
        if (!NativeLibrary.TryLoad(Library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    });

    /// <summary>Whether libsystemd.so.0 can be loaded on this machine.</summary>
    public static bool IsAvailable => s_available.Value;

    [LibraryImport(Library)]
    public static partial int sd_journal_open(out JournalHandle ret, int flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int sd_journal_open_directory(out JournalHandle ret, string path, int flags);

    [LibraryImport(Library)]
    public static partial int sd_journal_open_files(out JournalHandle ret, byte** paths, int flags);

    [LibraryImport(Library)]
    public static partial void sd_journal_close(nint journal);

    [LibraryImport(Library)]
    public static partial int sd_journal_add_match(JournalHandle journal, byte* data, nuint size);

    [LibraryImport(Library)]
    public static partial int sd_journal_add_disjunction(JournalHandle journal);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int sd_journal_seek_cursor(JournalHandle journal, string cursor);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int sd_journal_test_cursor(JournalHandle journal, string cursor);

    [LibraryImport(Library)]
    public static partial int sd_journal_seek_realtime_usec(JournalHandle journal, ulong usec);

    [LibraryImport(Library)]
    public static partial int sd_journal_seek_head(JournalHandle journal);

    [LibraryImport(Library)]
    public static partial int sd_journal_next(JournalHandle journal);

    [LibraryImport(Library)]
    public static partial void sd_journal_restart_data(JournalHandle journal);

    [LibraryImport(Library)]
    public static partial int sd_journal_enumerate_data(JournalHandle journal, out byte* data, out nuint length);

    [LibraryImport(Library)]
    public static partial int sd_journal_get_realtime_usec(JournalHandle journal, out ulong usec);

    /// <summary><paramref name="bootId"/> points at 16 bytes (sd_id128_t).</summary>
    [LibraryImport(Library)]
    public static partial int sd_journal_get_monotonic_usec(JournalHandle journal, out ulong usec, byte* bootId);

    [LibraryImport(Library)]
    public static partial int sd_journal_get_cursor(JournalHandle journal, out byte* cursor);

    [LibraryImport(Library)]
    public static partial int sd_journal_wait(JournalHandle journal, ulong timeoutUsec);

    /// <summary>Cursors from sd_journal_get_cursor are malloc'ed by libsystemd and freed with libc's free.</summary>
    [LibraryImport("libc", EntryPoint = "free")]
    public static partial void Free(void* pointer);
}
