namespace Runestone.Agent.Shipping;

/// <summary>Where targets hand entries; <see cref="SendAsync"/> waits when the sink is full (backpressure).</summary>
public interface IEntrySink
{
    ValueTask SendAsync(ShipEntry entry, CancellationToken cancellationToken);

    /// <summary>Hands several entries at once (one wake-up of the consumer instead of one per entry).</summary>
    async ValueTask SendManyAsync(ShipEntry[] entries, CancellationToken cancellationToken)
    {
        foreach (var e in entries)
        {
            await SendAsync(e, cancellationToken).ConfigureAwait(false);
        }
    }
}
