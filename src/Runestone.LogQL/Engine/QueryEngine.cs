using System.Runtime.ExceptionServices;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.Core.Time;
using Runestone.LogQL.Log;
using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Engine;

/// <summary>
/// Evaluates LogQL queries over an <see cref="IStreamSource"/>. Streams are read in parallel,
/// each on its own thread, and memory stays bounded by the query's limits.
/// </summary>
public sealed class QueryEngine
{
    private readonly IStreamSource _source;
    private readonly QueryEngineOptions _options;

    public QueryEngine(IStreamSource source, QueryEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        _source = source;
        _options = options;
    }

    internal int Parallelism => Math.Max(1, Math.Min(_options.MaxQueryParallelism, Environment.ProcessorCount));

    /// <summary>Runs a query. Throws <see cref="QueryException"/> for bad queries and exceeded limits.</summary>
    public QueryResult Execute(QueryParameters parameters, QueryStatistics statistics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(statistics);
        var expr = LogQLParser.Parse(parameters.Query);
        CheckQueryLength(parameters);
        if (expr is LogSelectorExpr && parameters.Instant)
        {
            throw new QueryException("log queries are not supported as an instant query type, please change your query to a range query type");
        }

        return expr switch
        {
            LogSelectorExpr log => ExecuteLogQuery(log, parameters, statistics, cancellationToken),
            SampleExpr sample => Metric.MetricEvaluator.Execute(this, sample, parameters, statistics, cancellationToken),
            _ => throw new QueryException($"unsupported expression {expr}"),
        };
    }

    internal QueryEngineOptions Options => _options;

    internal IStreamSource Source => _source;

    private void CheckQueryLength(QueryParameters p)
    {
        var length = TimeSpan.FromTicks((p.EndNs - p.StartNs) / 100);
        if (_options.MaxQueryLength > TimeSpan.Zero && length > _options.MaxQueryLength)
        {
            throw new QueryException(
                $"the query time range exceeds the limit (query length: {DurationText.Format(length)}, limit: {DurationText.Format(_options.MaxQueryLength)})");
        }

        if (p.EndNs < p.StartNs)
        {
            throw new QueryException("invalid time range: the end timestamp must not be before the start time");
        }
    }

    private StreamsResult ExecuteLogQuery(LogSelectorExpr selector, QueryParameters p, QueryStatistics statistics, CancellationToken ct)
    {
        if (p.Limit > _options.MaxEntriesLimitPerQuery)
        {
            throw new QueryException(
                $"max entries limit per query exceeded, limit > max_entries_limit_per_query ({p.Limit} > {_options.MaxEntriesLimitPerQuery})");
        }

        if (p.Limit < 0)
        {
            throw new QueryException($"invalid limit {p.Limit}: the limit must be a positive number");
        }

        if (p.Limit == 0)
        {
            return new StreamsResult([]);
        }

        var factory = new PipelineFactory(selector);
        var request = new SelectRequest(selector.Matchers, p.StartNs, p.EndNs, p.Direction, selector.PushdownFilter, statistics);
        var iterators = _source.Select(request, ct);
        if (p.IntervalNs > 0)
        {
            var spaced = MergeWithInterval(iterators, factory, p, ct);
            statistics.AddEntriesReturned(spaced.Count);
            return new StreamsResult(Group(spaced));
        }

        var perStream = new List<Candidate>[iterators.Count];
        RunParallel(
            iterators,
            (index, iterator) => perStream[index] = CollectStream(iterator, factory, p.Limit, p.CategorizeLabels, ct),
            ct);

        var merged = Merge(perStream, p.Limit, p.Direction);
        statistics.AddEntriesReturned(merged.Count);
        return new StreamsResult(Group(merged));
    }

    /// <summary>Consumes every iterator on the thread pool, at most <see cref="Parallelism"/> at once, disposing each.</summary>
    internal void RunParallel(IReadOnlyList<IEntryIterator> iterators, Action<int, IEntryIterator> body, CancellationToken ct)
    {
        var started = new bool[iterators.Count];
        try
        {
            Parallel.For(
                0,
                iterators.Count,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
                i =>
                {
                    started[i] = true;
                    using var iterator = iterators[i];
                    body(i, iterator);
                });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        finally
        {
            // Iterators never started (after a failure or cancellation) still hold resources.
            for (var i = 0; i < iterators.Count; i++)
            {
                if (!started[i])
                {
                    iterators[i].Dispose();
                }
            }
        }
    }

    private static List<Candidate> CollectStream(IEntryIterator iterator, PipelineFactory factory, int limit, bool categorize, CancellationToken ct)
    {
        var result = new List<Candidate>();
        var pipeline = factory.IsEmpty ? null : factory.ForStream(iterator.Labels);
        var n = 0;
        while (result.Count < limit && iterator.MoveNext())
        {
            if ((++n & 1023) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            if (TryAccept(iterator, pipeline, categorize, out var candidate))
            {
                result.Add(candidate);
            }
        }

        return result;
    }

    /// <summary>
    /// Loki's <c>interval</c>: walking all streams merged in query order, an entry is returned
    /// only when it is at least <c>interval</c> after (forward) or before (backward) the last
    /// one returned. Whether an entry qualifies depends on the other streams, so this merges the
    /// live iterators on one thread instead of collecting streams in parallel.
    /// </summary>
    private static List<Candidate> MergeWithInterval(IReadOnlyList<IEntryIterator> iterators, PipelineFactory factory, QueryParameters p, CancellationToken ct)
    {
        var backward = p.Direction == Direction.Backward;
        var pipelines = new StreamPipeline?[iterators.Count];
        var current = new Candidate[iterators.Count];
        var queue = new PriorityQueue<int, (long Ts, int Stream)>(
            Comparer<(long Ts, int Stream)>.Create((a, b) =>
            {
                var c = backward ? b.Ts.CompareTo(a.Ts) : a.Ts.CompareTo(b.Ts);
                return c != 0 ? c : a.Stream.CompareTo(b.Stream);
            }));
        var result = new List<Candidate>();
        try
        {
            for (var i = 0; i < iterators.Count; i++)
            {
                pipelines[i] = factory.IsEmpty ? null : factory.ForStream(iterators[i].Labels);
                if (Advance(i))
                {
                    queue.Enqueue(i, (current[i].Timestamp, i));
                }
            }

            var next = backward ? p.EndNs : p.StartNs;
            var n = 0;
            while (result.Count < p.Limit && queue.TryDequeue(out var stream, out _))
            {
                if ((++n & 1023) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                var c = current[stream];
                if (backward ? c.Timestamp <= next : c.Timestamp >= next)
                {
                    result.Add(c);
                    next = backward ? c.Timestamp - p.IntervalNs : c.Timestamp + p.IntervalNs;
                }

                if (Advance(stream))
                {
                    queue.Enqueue(stream, (current[stream].Timestamp, stream));
                }
            }
        }
        finally
        {
            foreach (var iterator in iterators)
            {
                iterator.Dispose();
            }
        }

        return result;

        bool Advance(int i)
        {
            var iterator = iterators[i];
            while (iterator.MoveNext())
            {
                if (TryAccept(iterator, pipelines[i], p.CategorizeLabels, out current[i]))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Runs the iterator's current entry through the pipeline. By default the candidate carries
    /// every label merged; when categorizing, only the stream's own labels, with structured
    /// metadata and parsed labels beside them (cached per stream, so no extra allocation).
    /// </summary>
    private static bool TryAccept(IEntryIterator iterator, StreamPipeline? pipeline, bool categorize, out Candidate candidate)
    {
        var metadata = iterator.Metadata;
        if (pipeline is null)
        {
            var labels = categorize || metadata.IsEmpty ? iterator.Labels : WithMetadata(iterator.Labels, metadata);
            candidate = new Candidate(iterator.Timestamp, iterator.Line.ToArray(), labels, metadata.IsEmpty ? null : metadata.ToArray(), null);
            return true;
        }

        if (!pipeline.Process(iterator.Timestamp, iterator.Line, metadata, out var line))
        {
            candidate = default;
            return false;
        }

        if (categorize)
        {
            var split = pipeline.Categorized();
            candidate = new Candidate(iterator.Timestamp, line.ToArray(), split.Stream, split.StructuredMetadata, split.Parsed);
        }
        else
        {
            candidate = new Candidate(iterator.Timestamp, line.ToArray(), pipeline.Labels(), metadata.IsEmpty ? null : metadata.ToArray(), null);
        }

        return true;
    }

    private static LabelSet WithMetadata(LabelSet labels, ReadOnlySpan<LabelPair> metadata)
    {
        var list = labels.ToList();
        foreach (var pair in metadata)
        {
            list.Add(pair);
        }

        return LabelSet.FromList(list);
    }

    /// <summary>k-way merge of per-stream lists (each already in query order), keeping the first <paramref name="limit"/>.</summary>
    private static List<Candidate> Merge(List<Candidate>[] perStream, int limit, Direction direction)
    {
        var backward = direction == Direction.Backward;
        var queue = new PriorityQueue<int, (long Ts, int Stream)>(
            Comparer<(long Ts, int Stream)>.Create((a, b) =>
            {
                var c = backward ? b.Ts.CompareTo(a.Ts) : a.Ts.CompareTo(b.Ts);
                return c != 0 ? c : a.Stream.CompareTo(b.Stream);
            }));
        var positions = new int[perStream.Length];
        for (var i = 0; i < perStream.Length; i++)
        {
            if (perStream[i] is { Count: > 0 } list)
            {
                queue.Enqueue(i, (list[0].Timestamp, i));
            }
        }

        var merged = new List<Candidate>(Math.Min(limit, 1024));
        while (merged.Count < limit && queue.TryDequeue(out var stream, out _))
        {
            var list = perStream[stream];
            merged.Add(list[positions[stream]]);
            if (++positions[stream] < list.Count)
            {
                queue.Enqueue(stream, (list[positions[stream]].Timestamp, stream));
            }
        }

        return merged;
    }

    private static List<ResultStream> Group(List<Candidate> merged)
    {
        var groups = new Dictionary<LabelSet, List<ResultEntry>>();
        foreach (var c in merged)
        {
            if (!groups.TryGetValue(c.Labels, out var entries))
            {
                entries = [];
                groups.Add(c.Labels, entries);
            }

            entries.Add(new ResultEntry(c.Timestamp, c.Line, c.Metadata, c.Parsed));
        }

        var streams = new List<ResultStream>(groups.Count);
        foreach (var (labels, entries) in groups)
        {
            streams.Add(new ResultStream(labels, entries));
        }

        streams.Sort(static (a, b) => string.CompareOrdinal(a.Labels.ToString(), b.Labels.ToString()));
        return streams;
    }

    private readonly record struct Candidate(long Timestamp, byte[] Line, LabelSet Labels, LabelPair[]? Metadata, LabelPair[]? Parsed);
}
