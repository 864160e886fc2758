namespace Runestone.Server.Limits;

/// <summary>What to do with one entry of a push after <see cref="PushValidator.CheckEntry(Runestone.Core.Labels.LabelSet, long, int, long, out string?)"/>.</summary>
public enum EntryVerdict
{
    /// <summary>Store the entry as it is.</summary>
    Accept,

    /// <summary>Store the entry with its line cut to <c>max_line_size</c> bytes (<c>max_line_size_truncate: true</c>).</summary>
    Truncate,

    /// <summary>Refuse the entry; the error says why.</summary>
    Reject,
}
