namespace Runestone.Server.Configuration;

/// <summary>
/// The root of the server configuration, in Loki's YAML layout. Every component has its own
/// options record with Loki's defaults; <see cref="ConfigLoader"/> fills them from a file and
/// <see cref="ServerCommandLine.ApplyTo"/> applies command-line overrides.
/// </summary>
public sealed record RunestoneOptions
{
    /// <summary>The embedded defaults: what <c>runestone server</c> runs with and no configuration file.</summary>
    public static RunestoneOptions Default { get; } = new();

    /// <summary>
    /// <c>auth_enabled</c>. When true the tenant is the <c>X-Scope-OrgID</c> header; when false every
    /// request belongs to tenant <c>fake</c>. Runestone defaults to false (Loki defaults to true) so
    /// that a single-user install runs without any configuration.
    /// </summary>
    public bool AuthEnabled { get; init; }

    public ServerOptions Server { get; init; } = new();

    public CommonOptions Common { get; init; } = new();

    public StorageOptions Storage { get; init; } = new();

    public IngesterOptions Ingester { get; init; } = new();

    public LimitsOptions Limits { get; init; } = new();

    /// <summary>
    /// The effective chunk directory: <c>storage_config.filesystem.directory</c>, else
    /// <c>common.storage.filesystem.chunks_directory</c>, else <c>&lt;path_prefix&gt;/chunks</c>.
    /// </summary>
    public string ChunksDirectory =>
        Storage.FilesystemDirectory ?? Common.ChunksDirectory ?? Path.Combine(Common.PathPrefix, "chunks");

    /// <summary>The effective WAL directory: <c>ingester.wal.dir</c>, else <c>&lt;path_prefix&gt;/wal</c>.</summary>
    public string WalDirectory => Ingester.Wal.Dir ?? Path.Combine(Common.PathPrefix, "wal");
}
