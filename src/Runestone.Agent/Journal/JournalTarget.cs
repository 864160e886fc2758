using Runestone.Agent.Config;
using Runestone.Agent.Pipeline;
using Runestone.Agent.Positions;
using Runestone.Agent.Relabeling;
using Runestone.Agent.Shipping;
using Runestone.Agent.Targets;
using Runestone.Core.Time;

namespace Runestone.Agent.Journal;

/// <summary>
/// Promtail's <c>journal</c> target: follows the systemd journal from the saved cursor (or
/// <c>max_age</c> back), gives each entry <c>__journal_*</c> labels, relabels it and runs the job's
/// pipeline. The cursor is saved under <c>journal-&lt;job&gt;</c> only once every client confirmed the
/// entries before it, so a restart resumes without loss or duplicates.
/// </summary>
public sealed class JournalTarget : ITargetReporter, ICommittable, IAsyncDisposable
{
    private static readonly string[] s_priorityKeywords = ["emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"];
    private static readonly TimeSpan s_waitStep = TimeSpan.FromMilliseconds(250);

    private readonly ScrapeConfig _scrape;
    private readonly JournalConfig _config;
    private readonly PipelineRunner _runner;
    private readonly PositionsFile _positions;
    private readonly TimeProvider _clock;
    private readonly Action<string> _log;
    private readonly string _positionKey;
    private readonly object _lock = new();
    private readonly ClientAcks _acks;

    // Cursors of entries read but not yet confirmed by every client, oldest first, by offset.
    private readonly Queue<(long Offset, string Cursor)> _unconfirmed = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private long _offset;

    public JournalTarget(ScrapeConfig scrape, PipelineRunner runner, PositionsFile positions, int clients, TimeProvider clock, Action<string> log)
    {
        _scrape = scrape;
        _config = scrape.Journal!;
        _runner = runner;
        _positions = positions;
        _clock = clock;
        _log = log;
        _positionKey = PositionKey(scrape.JobName);
        _acks = new ClientAcks(clients);
        _acks.Reset(0);
    }

    /// <summary>Where the cursor of job <paramref name="jobName"/> is kept in the positions file (Promtail's key).</summary>
    public static string PositionKey(string jobName) => "journal-" + jobName;

    public string State { get; private set; } = "starting";

    /// <summary>Entries read from the journal so far.</summary>
    public long EntriesRead => Interlocked.Read(ref _offset);

    public void Start() => _reader = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public IReadOnlyList<TargetInfo> Targets()
    {
        var discovered = new Dictionary<string, string>(StringComparer.Ordinal) { ["__path__"] = _config.Path.Length == 0 ? "/var/log/journal, /run/log/journal" : _config.Path };
        if (_config.Matches.Length > 0)
        {
            discovered["matches"] = _config.Matches;
        }

        var position = _positions.GetText(_positionKey);
        return
        [
            new TargetInfo(_scrape.JobName, "journal", discovered, _config.Labels, State == "running", position is null ? State : $"{State}; position {position}"),
        ];
    }

    public void Commit(int clientIndex, long generation, long offset)
    {
        lock (_lock)
        {
            if (_acks.TryAck(clientIndex, offset))
            {
                SaveCommitted();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_reader is not null)
        {
            await _reader.ConfigureAwait(false);
        }

        await _runner.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Promtail's <c>__journal_*</c> labels of an entry: every field lowercased, plus the priority keyword.</summary>
    public static Dictionary<string, string> Labels(JournalEntry entry, IReadOnlyDictionary<string, string> constant)
    {
        var labels = new Dictionary<string, string>(entry.Fields.Count + constant.Count + 1, StringComparer.Ordinal);
        foreach (var (name, value) in entry.Fields)
        {
            labels["__journal_" + name.ToLowerInvariant()] = value;
        }

        if (entry.Fields.TryGetValue("PRIORITY", out var priority))
        {
            labels["__journal_priority_keyword"] = priority is [>= '0' and <= '7'] ? s_priorityKeywords[priority[0] - '0'] : priority;
        }

        foreach (var (k, v) in constant)
        {
            labels[k] = v;
        }

        return labels;
    }

    private void Run()
    {
        var ct = _stop.Token;
        try
        {
            using var journal = JournalReader.Open(_config.Path);
            if (_config.Matches.Length > 0)
            {
                journal.AddMatches(_config.Matches);
            }

            var pending = Position(journal);
            State = "running";
            while (!ct.IsCancellationRequested)
            {
                if (pending || journal.Next())
                {
                    pending = false;
                    Handle(journal.Read(), ct);
                    continue;
                }

                journal.Wait(s_waitStep);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A journal that cannot be opened or read (or a sink that went away): the job stops,
            // /targets shows why, and the other jobs go on.
            State = "error: " + ex.Message;
            _log($"agent: journal target {_scrape.JobName}: {ex.Message}; the target stopped");
            return;
        }

        State = "stopped";
    }

    /// <summary>Seeks to where reading starts; true when the journal already stands on the first entry to ship.</summary>
    private bool Position(JournalReader journal)
    {
        var oldest = UnixNanos.FromDateTimeOffset(_clock.GetUtcNow() - _config.MaxAge) / 1000;
        if (_positions.GetText(_positionKey) is { Length: > 0 } cursor)
        {
            var onCursor = journal.SeekCursor(cursor, out var found);
            if (found && journal.RealtimeUsec() >= oldest)
            {
                // On the saved entry it was shipped already; otherwise (it was vacuumed) the entry
                // after it is the first one not shipped.
                return !onCursor;
            }
        }

        journal.SeekRealtime(oldest);
        return false;
    }

    private void Handle(JournalEntry entry, CancellationToken ct)
    {
        var offset = Interlocked.Increment(ref _offset);
        lock (_lock)
        {
            _unconfirmed.Enqueue((offset, entry.Cursor));
        }

        if (Build(entry) is { } pipelineEntry && _runner.ProcessAsync(pipelineEntry, this, offset, ct).AsTask().GetAwaiter().GetResult())
        {
            lock (_lock)
            {
                _acks.Handed = offset;
            }

            return;
        }

        lock (_lock)
        {
            if (_acks.TrySkipTo(offset))
            {
                SaveCommitted();
            }
        }
    }

    private PipelineEntry? Build(JournalEntry entry)
    {
        string? line;
        if (_config.Json)
        {
            line = JournalJson.Format(entry.Fields);
        }
        else if (!entry.Fields.TryGetValue("MESSAGE", out line))
        {
            return null;
        }

        var labels = Labels(entry, _config.Labels);
        if (!Relabeler.Apply(_scrape.RelabelConfigs, labels))
        {
            return null;
        }

        foreach (var key in labels.Keys)
        {
            if (key.StartsWith("__", StringComparison.Ordinal))
            {
                labels.Remove(key);
            }
        }

        if (labels.Count == 0)
        {
            // Like Promtail: an entry left without labels is dropped.
            return null;
        }

        return new PipelineEntry(labels, line, entry.RealtimeUsec * 1000) { ReadTimeNs = UnixNanos.Now(_clock) };
    }

    private void SaveCommitted()
    {
        string? cursor = null;
        while (_unconfirmed.TryPeek(out var head) && head.Offset <= _acks.Committed)
        {
            cursor = _unconfirmed.Dequeue().Cursor;
        }

        if (cursor is not null)
        {
            _positions.PutText(_positionKey, cursor);
        }
    }
}
