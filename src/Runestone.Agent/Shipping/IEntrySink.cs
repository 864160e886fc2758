namespace Runestone.Agent.Shipping;

/// <summary>Where targets hand entries; <see cref="SendAsync"/> waits when the sink is full (backpressure).</summary>
public interface IEntrySink
{
    ValueTask SendAsync(ShipEntry entry, CancellationToken cancellationToken);
}
