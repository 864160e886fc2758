namespace Runestone.Agent.Journal;

/// <summary>An sd-journal call failed; the message names the call and the errno text.</summary>
public sealed class JournalException : IOException
{
    public JournalException(string message)
        : base(message)
    {
    }
}
