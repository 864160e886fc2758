using System.Buffers;
using System.IO.Compression;
using System.Text;
using Runestone.Agent.Metrics;
using Runestone.Agent.Pipeline;
using Runestone.Agent.Positions;
using Runestone.Agent.Shipping;
using Runestone.Core.Time;

namespace Runestone.Agent.Tailing;

/// <summary>
/// Follows one file: reads complete lines from the saved position, follows rename-and-create
/// rotation (drains the old file, then opens the new one) and copytruncate (restarts at 0 when
/// the file shrinks), keeps a partial last line until its newline arrives, and saves a position
/// only after every client confirmed the entries before it.
/// </summary>
public sealed class FileTailer : ICommittable
{
    private readonly string _path;
    private readonly Dictionary<string, string> _labels;
    private readonly Pipeline.Pipeline _pipeline;
    private const int MaxFreeEntries = 1024;

    private readonly ListSink _out = new();

    // Entries that have been shipped, ready for the next lines (see PipelineEntry.Reuse).
    private readonly Stack<PipelineEntry> _free = new();
    private readonly LabelSetCache _labelCache = new();
    private Prometheus.Counter.Child? _readLines;
    private readonly IEntrySink _sink;
    private readonly PositionsFile _positions;
    private readonly AgentMetrics _metrics;
    private readonly TailerOptions _options;
    private readonly TimeProvider _clock;
    private readonly object _commitLock = new();
    private readonly ClientAcks _acks;
    private readonly CancellationTokenSource _stop = new();
    private long _generation;
    private byte[] _partial = ArrayPool<byte>.Shared.Rent(4096);
    private int _partialLength;
    private bool _drainAndStop;

    public FileTailer(string path, Dictionary<string, string> labels, IReadOnlyList<Stage> stages, IEntrySink sink, PositionsFile positions, AgentMetrics metrics, TailerOptions options, TimeProvider clock)
    {
        _path = path;
        _labels = labels;
        _pipeline = new Pipeline.Pipeline(stages, _out);
        _sink = sink;
        _positions = positions;
        _metrics = metrics;
        _options = options;
        _clock = clock;
        _acks = new ClientAcks(options.Clients);
    }

    public string Path => _path;

    public IReadOnlyDictionary<string, string> Labels => _labels;

    /// <summary>Bytes read so far in the current file.</summary>
    public long ReadOffset { get; private set; }

    public string State { get; private set; } = "starting";

    public Task? Running { get; private set; }

    public void Start(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        Running = Task.Run(() => RunAsync(linked.Token), CancellationToken.None);
    }

    /// <summary>Stops after reading what the file holds now (used when the file is gone or no longer matched).</summary>
    public async Task StopAsync(bool drain)
    {
        _drainAndStop = drain;
        if (!drain)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        if (Running is not null)
        {
            try
            {
                await Running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public void Commit(int clientIndex, long generation, long offset)
    {
        lock (_commitLock)
        {
            if (generation == _generation && _acks.TryAck(clientIndex, offset))
            {
                _positions.Put(_path, _acks.Committed);
            }
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            if (_options.Decompress && _path.EndsWith(".gz", StringComparison.Ordinal))
            {
                await ReadCompressedOnceAsync(ct).ConfigureAwait(false);
                return;
            }

            await FollowAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            State = "stopped";
            ArrayPool<byte>.Shared.Return(_partial);
            _partial = [];
        }
    }

    private async Task FollowAsync(CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_options.ReadBufferSize);
        FileStream? fs = null;
        string? identity = null;
        try
        {
            while (fs is null)
            {
                (fs, identity) = TryOpen();
                if (fs is null)
                {
                    State = "waiting for file";
                    if (_drainAndStop)
                    {
                        return;
                    }

                    await Task.Delay(_options.PollInterval, _clock, ct).ConfigureAwait(false);
                }
            }

            var start = _positions.Get(_path);
            if (start > fs.Length)
            {
                // Smaller than where we stopped: truncated or replaced while we were away.
                start = 0;
            }

            fs.Seek(start, SeekOrigin.Begin);
            ReadOffset = start;
            ResetCommits(start);
            State = "running";
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var n = await fs.ReadAsync(buffer.AsMemory(0, buffer.Length), ct).ConfigureAwait(false);
                if (n > 0)
                {
                    await ConsumeAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    continue;
                }

                _metrics.ReadBytes.WithLabels(_path).Set(ReadOffset);
                _metrics.FileBytes.WithLabels(_path).Set(fs.Length);
                _pipeline.Flush(_clock.GetUtcNow(), force: false);
                await ShipOutputAsync(ReadOffset, ct).ConfigureAwait(false);

                var current = FileIdentity.Get(_path);
                if (current is null || _drainAndStop)
                {
                    if (_drainAndStop)
                    {
                        await FinishFileAsync(ct).ConfigureAwait(false);
                        return;
                    }
                }
                else if (current != identity)
                {
                    // Renamed away and a new file created: the old one is read to its end (we are at EOF), then switch.
                    await FinishFileAsync(ct).ConfigureAwait(false);
                    var (next, nextId) = TryOpen();
                    if (next is not null)
                    {
                        await fs.DisposeAsync().ConfigureAwait(false);
                        fs = next;
                        identity = nextId;
                        NewGeneration(0);
                        continue;
                    }
                }
                else if (new FileInfo(_path).Length < ReadOffset)
                {
                    // copytruncate: the same file got shorter; start again from the beginning.
                    _partialLength = 0;
                    fs.Seek(0, SeekOrigin.Begin);
                    NewGeneration(0);
                    continue;
                }

                await Task.Delay(_options.PollInterval, _clock, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (fs is not null)
            {
                await fs.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private (FileStream?, string?) TryOpen()
    {
        try
        {
            var id = FileIdentity.Get(_path);
            if (id is null)
            {
                return (null, null);
            }

            var fs = new FileStream(_path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            return (fs, FileIdentity.Get(_path) ?? id);
        }
        catch (IOException)
        {
            return (null, null);
        }
        catch (UnauthorizedAccessException)
        {
            State = "permission denied";
            return (null, null);
        }
    }

    private void NewGeneration(long offset)
    {
        lock (_commitLock)
        {
            _generation++;
            ReadOffset = offset;
            _acks.Reset(offset);
            _positions.Put(_path, offset);
        }
    }

    private void ResetCommits(long offset)
    {
        lock (_commitLock)
        {
            _acks.Reset(offset);
        }
    }

    /// <summary>The file will not grow any more: a last line without newline is sent, held entries flushed.</summary>
    private async Task FinishFileAsync(CancellationToken ct)
    {
        if (_partialLength > 0)
        {
            EmitLine(_partial.AsSpan(0, _partialLength));
            _partialLength = 0;
        }

        _pipeline.Flush(_clock.GetUtcNow(), force: true);
        await ShipOutputAsync(ReadOffset, ct).ConfigureAwait(false);
    }

    private async Task ConsumeAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        var lastShipped = 0;
        var pos = 0;
        while (pos < chunk.Length)
        {
            var nl = chunk.Span[pos..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                AppendPartial(chunk.Span[pos..]);
                ReadOffset += chunk.Length - pos;
                break;
            }

            var lineEnd = pos + nl;
            if (_partialLength > 0)
            {
                AppendPartial(chunk.Span[pos..lineEnd]);
                EmitLine(_partial.AsSpan(0, _partialLength));
                _partialLength = 0;
            }
            else
            {
                EmitLine(chunk.Span[pos..lineEnd]);
            }

            ReadOffset += lineEnd + 1 - pos;
            pos = lineEnd + 1;
            if (_out.Entries.Count >= 256 || pos - lastShipped > 256 * 1024)
            {
                await ShipOutputAsync(ReadOffset, ct).ConfigureAwait(false);
                lastShipped = pos;
            }
        }

        await ShipOutputAsync(ReadOffset - _partialLength, ct).ConfigureAwait(false);
    }

    private void AppendPartial(ReadOnlySpan<byte> bytes)
    {
        if (_partialLength + bytes.Length > _partial.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_partial.Length * 2, _partialLength + bytes.Length));
            _partial.AsSpan(0, _partialLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_partial);
            _partial = bigger;
        }

        bytes.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength += bytes.Length;
    }

    private void EmitLine(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        (_readLines ??= _metrics.ReadLines.WithLabels(_path)).Inc();
        if (_options.MaxLineSize > 0 && line.Length > _options.MaxLineSize)
        {
            if (!_options.MaxLineSizeTruncate)
            {
                _metrics.DroppedEntries.WithLabels(string.Empty, "line_too_long").Inc();
                return;
            }

            line = line[..(int)_options.MaxLineSize];
        }

        var now = UnixNanos.Now(_clock);
        var text = Encoding.UTF8.GetString(line);
        if (!_free.TryPop(out var entry))
        {
            // Room for the labels stages usually add (stream, level, …) so the copy does not grow.
            entry = new PipelineEntry(new Dictionary<string, string>(_labels.Count + 4, StringComparer.Ordinal), text, now);
        }

        entry.Reuse(_labels, text, now);
        _pipeline.Process(entry);
    }

    private async ValueTask ShipOutputAsync(long offset, CancellationToken ct)
    {
        if (_out.Entries.Count == 0)
        {
            // Nothing to send for what was read (e.g. dropped lines): the position may move, but only
            // when nothing earlier is still in flight or held back by a stage.
            if (!_pipeline.HasPending)
            {
                lock (_commitLock)
                {
                    if (_acks.TrySkipTo(offset))
                    {
                        _positions.Put(_path, offset);
                    }
                }
            }

            return;
        }

        lock (_commitLock)
        {
            _acks.Handed = offset;
        }

        var count = _out.Entries.Count;
        var chunk = new ShipEntry[count];
        for (var i = 0; i < count; i++)
        {
            // Only the last entry of a read carries the offset, so a confirmed prefix never claims
            // lines that were not confirmed.
            var finished = _out.Entries[i];
            chunk[i] = EntryFinisher.Finish(finished, _labelCache, this, _generation, i == count - 1 ? offset : -1);
            if (_free.Count < MaxFreeEntries)
            {
                _free.Push(finished);
            }
        }

        _out.Entries.Clear();
        await _sink.SendManyAsync(chunk, ct).ConfigureAwait(false);
    }

    private async Task ReadCompressedOnceAsync(CancellationToken ct)
    {
        var length = new FileInfo(_path).Length;
        if (_positions.Contains(_path) && _positions.Get(_path) >= length)
        {
            State = "done (already read)";
            return;
        }

        State = "reading compressed";
        await using var fs = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using var gz = new GZipStream(fs, CompressionMode.Decompress);
        var buffer = ArrayPool<byte>.Shared.Rent(_options.ReadBufferSize);
        try
        {
            int n;
            while ((n = await gz.ReadAsync(buffer.AsMemory(0, buffer.Length), ct).ConfigureAwait(false)) > 0)
            {
                await ConsumeAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            }

            await FinishFileAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // The decompressed offsets mean nothing on disk: mark the compressed file as fully read.
        lock (_commitLock)
        {
            _generation++;
            _positions.Put(_path, length);
        }

        State = "done";
    }
}
