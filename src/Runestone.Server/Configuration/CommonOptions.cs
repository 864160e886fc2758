namespace Runestone.Server.Configuration;

/// <summary>The <c>common</c> block: settings shared by several components.</summary>
public sealed record CommonOptions
{
    /// <summary><c>path_prefix</c>: the directory under which chunks and the WAL live unless set on their own.</summary>
    public string PathPrefix { get; init; } = "./data";

    /// <summary><c>storage.filesystem.chunks_directory</c>; null when not set.</summary>
    public string? ChunksDirectory { get; init; }
}
