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

    /// <summary>
    /// Like <see cref="MayMatchAny"/>, but checked on the static text of many lines before they
    /// are rebuilt (a template block's templates): every line is that text with some runs of
    /// <paramref name="variableBytes"/> put in. So a part of a literal that holds none of those
    /// bytes must appear in <paramref name="staticText"/> as it is. False only when no line can
    /// match; true when in doubt.
    /// </summary>
    bool MayMatchAnyStatic(ReadOnlySpan<byte> staticText, System.Buffers.SearchValues<byte> variableBytes) => true;
}
