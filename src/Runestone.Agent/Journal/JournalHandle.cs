using Microsoft.Win32.SafeHandles;

namespace Runestone.Agent.Journal;

/// <summary>An open <c>sd_journal*</c>, closed with sd_journal_close.</summary>
internal sealed class JournalHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public JournalHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        SdJournalNative.sd_journal_close(handle);
        return true;
    }
}
