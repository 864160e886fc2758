namespace Runestone.Core.Logs;

/// <summary>
/// A predicate on the raw UTF-8 bytes of one log line. Storage evaluates it while scanning a
/// decompressed block, before any string is built, so implementations must not allocate.
/// </summary>
public interface ILineFilter
{
    bool Matches(ReadOnlySpan<byte> line);

    /// <summary>
    /// A necessary condition checked once on bytes that contain many lines (a whole decompressed
    /// block): false only when no line inside <paramref name="bytes"/> can match, so the scan can
    /// skip them all without splitting them into lines. True when in doubt.
    /// </summary>
    bool MayMatchAny(ReadOnlySpan<byte> bytes) => true;
}
