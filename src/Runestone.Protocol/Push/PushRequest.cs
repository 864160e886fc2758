using System.Buffers;

namespace Runestone.Protocol.Push;

/// <summary>
/// A decoded push body. Entry lines are slices of a pooled buffer that this request owns;
/// <see cref="Dispose"/> returns the buffers to their pools, after which no line may be read.
/// </summary>
public sealed class PushRequest : IDisposable
{
    private byte[]? _buffer;
    private PushEntry[]? _entries;

    internal PushRequest(byte[]? buffer, PushEntry[]? entries, List<PushStream> streams, long totalLineBytes, int totalEntries)
    {
        _buffer = buffer;
        _entries = entries;
        Streams = streams;
        TotalLineBytes = totalLineBytes;
        TotalEntries = totalEntries;
        if (entries is not null)
        {
            foreach (var stream in streams)
            {
                stream.Attach(entries);
            }
        }
    }

    /// <summary>The streams in wire order.</summary>
    public IReadOnlyList<PushStream> Streams { get; }

    /// <summary>Sum of the byte lengths of every entry's line.</summary>
    public long TotalLineBytes { get; }

    /// <summary>Number of entries across all streams.</summary>
    public int TotalEntries { get; }

    /// <summary>Returns the pooled buffers. Idempotent.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var entries = Interlocked.Exchange(ref _entries, null);
        if (entries is not null)
        {
            // Structured metadata arrays are references: clear so the pool does not keep them alive.
            ArrayPool<PushEntry>.Shared.Return(entries, clearArray: true);
        }
    }
}
