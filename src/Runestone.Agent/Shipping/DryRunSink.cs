using System.Globalization;
using Runestone.Core.Time;

namespace Runestone.Agent.Shipping;

/// <summary><c>-dry-run</c>: prints entries (time, labels, line) to a writer instead of sending them, like Promtail.</summary>
public sealed class DryRunSink(TextWriter output) : IEntrySink
{
    private readonly object _lock = new();

    public ValueTask SendAsync(ShipEntry entry, CancellationToken cancellationToken)
    {
        var time = UnixNanos.ToDateTimeOffset(entry.TimestampNs).ToString("yyyy-MM-ddTHH:mm:ss.fffffffK", CultureInfo.InvariantCulture);
        lock (_lock)
        {
            output.Write(time);
            output.Write('\t');
            output.Write(entry.Labels.ToString());
            output.Write('\t');
            output.WriteLine(entry.Line);
        }

        entry.Source?.Commit(0, entry.Generation, entry.Offset);
        return ValueTask.CompletedTask;
    }
}
