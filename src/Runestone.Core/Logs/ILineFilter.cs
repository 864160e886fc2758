namespace Runestone.Core.Logs;

/// <summary>
/// A predicate on the raw UTF-8 bytes of one log line. Storage evaluates it while scanning a
/// decompressed block, before any string is built, so implementations must not allocate.
/// </summary>
public interface ILineFilter
{
    bool Matches(ReadOnlySpan<byte> line);
}
