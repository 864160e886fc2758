namespace Runestone.Server.Configuration;

/// <summary>The <c>storage_config</c> block (filesystem object store only, for now).</summary>
public sealed record StorageOptions
{
    /// <summary>
    /// <c>filesystem.directory</c>; null when not set, in which case
    /// <see cref="RunestoneOptions.ChunksDirectory"/> derives it.
    /// </summary>
    public string? FilesystemDirectory { get; init; }
}
