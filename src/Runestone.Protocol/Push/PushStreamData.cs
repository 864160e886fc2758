namespace Runestone.Protocol.Push;

/// <summary>A stream to encode: label text (<c>{a="b"}</c>) and its entries.</summary>
public sealed record PushStreamData(string Labels, IReadOnlyList<PushEntryData> Entries);
