using System.Text;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.LogQL.Engine;

namespace Runestone.LogQL.Tests;

/// <summary>An <see cref="IStreamSource"/> over streams held in memory, honouring the SelectRequest contract.</summary>
public sealed class InMemoryStreamSource : IStreamSource
{
    private readonly List<(LabelSet Labels, List<Entry> Entries)> _streams = [];

    public int SelectCalls { get; private set; }

    public SelectRequest? LastRequest { get; private set; }

    public InMemoryStreamSource Add(string labels, params (long Ts, string Line)[] entries)
    {
        var list = new List<Entry>();
        foreach (var (ts, line) in entries)
        {
            list.Add(new Entry(ts, Encoding.UTF8.GetBytes(line), []));
        }

        return AddEntries(labels, list);
    }

    public InMemoryStreamSource AddWithMetadata(string labels, params (long Ts, string Line, LabelPair[] Metadata)[] entries)
    {
        var list = new List<Entry>();
        foreach (var (ts, line, metadata) in entries)
        {
            list.Add(new Entry(ts, Encoding.UTF8.GetBytes(line), metadata));
        }

        return AddEntries(labels, list);
    }

    private InMemoryStreamSource AddEntries(string labels, List<Entry> entries)
    {
        if (!LabelText.TryParse(labels, out var set, out var error))
        {
            throw new ArgumentException(error);
        }

        var index = _streams.FindIndex(s => s.Labels.Equals(set));
        if (index >= 0)
        {
            _streams[index].Entries.AddRange(entries);
            _streams[index].Entries.Sort((a, b) => a.Ts.CompareTo(b.Ts));
        }
        else
        {
            entries.Sort((a, b) => a.Ts.CompareTo(b.Ts));
            _streams.Add((set, entries));
        }

        return this;
    }

    public IReadOnlyList<IEntryIterator> Select(SelectRequest request, CancellationToken cancellationToken)
    {
        SelectCalls++;
        LastRequest = request;
        var result = new List<IEntryIterator>();
        foreach (var (labels, entries) in _streams)
        {
            if (request.Matchers.All(m => m.Matches(labels)))
            {
                result.Add(new Iterator(labels, entries, request));
            }
        }

        return result;
    }

    public sealed record Entry(long Ts, byte[] Line, LabelPair[] Metadata);

    private sealed class Iterator : IEntryIterator
    {
        private readonly List<Entry> _entries;
        private readonly SelectRequest _request;
        private int _index;
        private int _step;
        private Entry? _current;

        public Iterator(LabelSet labels, List<Entry> entries, SelectRequest request)
        {
            Labels = labels;
            _entries = entries;
            _request = request;
            _step = request.Direction == Direction.Forward ? 1 : -1;
            _index = request.Direction == Direction.Forward ? -1 : entries.Count;
        }

        public LabelSet Labels { get; }

        public bool Disposed { get; private set; }

        public long Timestamp => _current!.Ts;

        public ReadOnlySpan<byte> Line => _current!.Line;

        public ReadOnlySpan<LabelPair> Metadata => _current!.Metadata;

        public bool MoveNext()
        {
            while (true)
            {
                _index += _step;
                if (_index < 0 || _index >= _entries.Count)
                {
                    return false;
                }

                var e = _entries[_index];
                if (e.Ts < _request.StartNs || e.Ts >= _request.EndNs)
                {
                    continue;
                }

                _request.Statistics.AddHead(e.Line.Length, 1);
                if (_request.LineFilter is { } filter && !filter.Matches(e.Line))
                {
                    continue;
                }

                _current = e;
                return true;
            }
        }

        public void Dispose() => Disposed = true;
    }
}
