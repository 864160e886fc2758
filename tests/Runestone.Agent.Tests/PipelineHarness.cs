using Runestone.Agent.Pipeline;
using Xunit;

namespace Runestone.Agent.Tests;

/// <summary>Runs a pipeline built from YAML over entries and collects the output.</summary>
internal sealed class PipelineHarness
{
    public PipelineHarness(string yaml, TimeProvider? clock = null)
    {
        Context = new StageContext { Clock = clock ?? TimeProvider.System, OnDropped = r => DropReasons.Add(r) };
        Sink = new ListSink();
        Pipeline = new Pipeline.Pipeline(PipelineBuilder.BuildFromYaml(yaml, Context), Sink);
    }

    public StageContext Context { get; }

    public ListSink Sink { get; }

    public Pipeline.Pipeline Pipeline { get; }

    public List<string> DropReasons { get; } = [];

    public static Dictionary<string, string> Labels(string text)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var i = part.IndexOf('=', StringComparison.Ordinal);
            d[part[..i]] = part[(i + 1)..];
        }

        return d;
    }

    public PipelineEntry Push(string line, string labels = "job=test", long ts = 1)
    {
        var e = new PipelineEntry(Labels(labels), line, ts);
        Pipeline.Process(e);
        return e;
    }

    public PipelineEntry Single()
    {
        Assert.Single(Sink.Entries);
        return Sink.Entries[0];
    }

    public static string ShowLabels(PipelineEntry e) =>
        string.Join(",", e.Labels.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key}={x.Value}"));
}
