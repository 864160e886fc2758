using Runestone.Agent.Pipeline;
using Runestone.Core.Labels;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class PipelineEntryReuseTests
{
    [Fact]
    public void Reuse_forgets_everything_the_previous_line_left_behind()
    {
        var entry = new PipelineEntry(new Dictionary<string, string>(StringComparer.Ordinal), "old", 1);
        entry.Labels["level"] = "error";
        entry.Extracted["status"] = "500";
        entry.StructuredMetadata = [new LabelPair("trace_id", "abc")];

        entry.Reuse(new Dictionary<string, string> { ["job"] = "bench" }, "new line", 42);

        Assert.Equal(new Dictionary<string, string> { ["job"] = "bench" }, entry.Labels);
        Assert.Empty(entry.Extracted);
        Assert.Null(entry.StructuredMetadata);
        Assert.Equal("new line", entry.Line);
        Assert.Equal(42, entry.TimestampNs);
        Assert.Equal(42, entry.ReadTimeNs);
    }
}
