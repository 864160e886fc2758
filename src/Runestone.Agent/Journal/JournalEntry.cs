namespace Runestone.Agent.Journal;

/// <summary>
/// One journal entry: its fields (as go-systemd gives them to Promtail, with <c>__CURSOR</c>,
/// <c>__REALTIME_TIMESTAMP</c> and <c>__MONOTONIC_TIMESTAMP</c> added), its wall-clock time and cursor.
/// </summary>
public sealed record JournalEntry(IReadOnlyDictionary<string, string> Fields, long RealtimeUsec, string Cursor);
