namespace Runestone.Protocol.Push;

/// <summary>One decoded stream of a push: the raw label text and its entries in wire order.</summary>
public sealed class PushStream
{
    internal PushStream(string labels, int firstEntry, int entryCount)
    {
        Labels = labels;
        FirstEntry = firstEntry;
        EntryCount = entryCount;
        Entries = [];
    }

    /// <summary>Raw label text as sent, e.g. <c>{app="x", env="prod"}</c>; the server parses it.</summary>
    public string Labels { get; }

    /// <summary>The stream's entries; they share the request's pooled buffers.</summary>
    public IReadOnlyList<PushEntry> Entries { get; private set; }

    internal int FirstEntry { get; }

    internal int EntryCount { get; }

    internal void Attach(PushEntry[] all) => Entries = new ArraySegment<PushEntry>(all, FirstEntry, EntryCount);
}
