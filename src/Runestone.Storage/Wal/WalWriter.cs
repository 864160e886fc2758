using System.Buffers;
using System.Buffers.Binary;
using Runestone.Core.Binary;
using Runestone.Storage.ObjectStore;

namespace Runestone.Storage.Wal;

/// <summary>
/// Append-only write-ahead log with group commit. <see cref="Append"/> copies a record into the
/// pending buffer and returns its position and a task that completes when the record is
/// durable (per <see cref="WalSyncMode"/>); one background loop writes and fsyncs everything
/// pending at once, so many concurrent pushes share one fsync.
/// </summary>
public sealed class WalWriter : IDisposable
{
    private readonly string _directory;
    private readonly WalSyncMode _syncMode;
    private readonly long _segmentSize;
    private readonly TimeSpan _syncInterval;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Thread _thread;
    private ArrayBufferWriter<byte> _pending = new(1 << 20);
    private ArrayBufferWriter<byte> _spare = new(1 << 20);
    private TaskCompletionSource _generation = NewGeneration();
    private long _segment;
    private long _segmentOffset;
    private long _pendingSegment;
    private bool _rotatePending;
    private FileStream? _file;
    private volatile bool _stopping;
    private Exception? _failure;
    private long _lastSync;

    public WalWriter(string directory, long firstSegment, WalSyncMode syncMode, long segmentSize = 64L << 20, TimeSpan? syncInterval = null)
    {
        _directory = directory;
        _syncMode = syncMode;
        _segmentSize = segmentSize;
        _syncInterval = syncInterval ?? TimeSpan.FromSeconds(1);
        Directory.CreateDirectory(directory);
        _segment = firstSegment;
        _pendingSegment = firstSegment;
        _segmentOffset = WalSegmentFormat.HeaderSize;
        _file = OpenSegment(firstSegment);
        _thread = new Thread(Run) { IsBackground = true, Name = "runestone-wal" };
        _thread.Start();
    }

    /// <summary>Bytes waiting to be written.</summary>
    public long PendingBytes { get { lock (_lock) { return _pending.WrittenCount; } } }

    public long CurrentSegment => Interlocked.Read(ref _segment);

    /// <summary>Total fsyncs performed (metrics and tests).</summary>
    public long SyncCount { get; private set; }

    /// <summary>Appends one record; the returned task completes when it is durable.</summary>
    public (long Position, Task Durable) Append(byte type, ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                return (0, Task.FromException(new IOException("the write-ahead log failed earlier: " + _failure.Message, _failure)));
            }

            var size = WalSegmentFormat.RecordHeaderSize + payload.Length;
            RotateIfNeededLocked(size);

            var position = WalPosition.Make(_segment, _segmentOffset);
            var span = _pending.GetSpan(size);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payload.Length);
            span[8] = type;
            payload.CopyTo(span[9..]);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Checksum.Compute(span.Slice(8, payload.Length + 1)));
            _pending.Advance(size);
            _segmentOffset += size;
            var task = _generation.Task;
            _signal.Release();
            return (position, task);
        }
    }

    /// <summary>
    /// Starts a new segment now unless <paramref name="bytes"/> more fit in the current one, so
    /// that the records a caller appends next (under its own lock) land in one segment.
    /// </summary>
    public void EnsureRoom(int bytes)
    {
        lock (_lock)
        {
            RotateIfNeededLocked(bytes);
        }
    }

    /// <summary>Closes the current segment (when it holds records) and starts the next.</summary>
    public void Rotate()
    {
        lock (_lock)
        {
            RotateIfNeededLocked(_segmentSize + 1);
        }
    }

    /// <summary>Deletes every segment whose number is below <paramref name="segment"/>.</summary>
    public void DeleteSegmentsBefore(long segment)
    {
        foreach (var path in Directory.EnumerateFiles(_directory, "*.wal"))
        {
            if (WalSegmentFormat.TryParseFileName(Path.GetFileName(path), out var number) && number < segment)
            {
                File.Delete(path);
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _signal.Release();
        _thread.Join();
        _file?.Dispose();
        _signal.Dispose();
    }

    private void RotateIfNeededLocked(long size)
    {
        if (_segmentOffset + size > _segmentSize && _segmentOffset > WalSegmentFormat.HeaderSize)
        {
            // The writer takes the flag together with everything pending (all of it belongs to the
            // old segment) and rotates after writing it; only then may new records be buffered,
            // since they belong to the next segment.
            _rotatePending = true;
            _signal.Release();
            var spin = new SpinWait();
            while (_rotatePending && _failure is null && !_stopping)
            {
                _lock.Exit();
                try
                {
                    spin.SpinOnce();
                }
                finally
                {
                    _lock.Enter();
                }
            }

            _segment++;
            _segmentOffset = WalSegmentFormat.HeaderSize;
        }
    }

    private static TaskCompletionSource NewGeneration() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Run()
    {
        while (true)
        {
            _signal.Wait(_syncMode == WalSyncMode.Interval ? _syncInterval : Timeout.InfiniteTimeSpan);
            ArrayBufferWriter<byte> batch;
            TaskCompletionSource generation;
            bool rotate;
            lock (_lock)
            {
                batch = _pending;
                _pending = _spare;
                _spare = batch;
                generation = _generation;
                _generation = NewGeneration();
                rotate = _rotatePending;
                _rotatePending = false;
            }

            try
            {
                if (batch.WrittenCount > 0)
                {
                    _file!.Write(batch.WrittenSpan);
                    _file.Flush(flushToDisk: false);
                    if (_syncMode == WalSyncMode.Always || rotate)
                    {
                        Sync();
                    }
                }

                if (rotate)
                {
                    _file!.Dispose();
                    _pendingSegment++;
                    _file = OpenSegment(_pendingSegment);
                }

                if (_syncMode == WalSyncMode.Interval && Environment.TickCount64 - _lastSync >= _syncInterval.TotalMilliseconds)
                {
                    Sync();
                }

                batch.ResetWrittenCount();
                generation.TrySetResult();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                lock (_lock)
                {
                    _failure = ex;
                }

                batch.ResetWrittenCount();
                generation.TrySetException(new IOException("write-ahead log write failed (is the disk full?): " + ex.Message, ex));
            }

            if (_stopping)
            {
                lock (_lock)
                {
                    if (_pending.WrittenCount == 0)
                    {
                        if (_syncMode != WalSyncMode.Never && _failure is null)
                        {
                            Sync();
                        }

                        _generation.TrySetResult();
                        return;
                    }
                }
            }
        }
    }

    private void Sync()
    {
        _file!.Flush(flushToDisk: true);
        _lastSync = Environment.TickCount64;
        SyncCount++;
    }

    private FileStream OpenSegment(long segment)
    {
        var path = Path.Combine(_directory, WalSegmentFormat.FileName(segment));
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        Span<byte> header = stackalloc byte[WalSegmentFormat.HeaderSize];
        WalSegmentFormat.WriteHeader(header);
        file.Write(header);
        file.Flush(flushToDisk: true);
        DirectorySync.Fsync(_directory);
        return file;
    }
}
