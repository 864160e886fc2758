namespace Runestone.Agent.Shipping;

/// <summary>Sends every entry to each client (Promtail's multiple <c>clients</c>).</summary>
public sealed class FanoutSink(IReadOnlyList<IEntrySink> sinks) : IEntrySink
{
    public async ValueTask SendAsync(ShipEntry entry, CancellationToken cancellationToken)
    {
        foreach (var sink in sinks)
        {
            await sink.SendAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask SendManyAsync(ShipEntry[] entries, CancellationToken cancellationToken)
    {
        foreach (var sink in sinks)
        {
            await sink.SendManyAsync(entries, cancellationToken).ConfigureAwait(false);
        }
    }
}
