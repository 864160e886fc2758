namespace Runestone.Agent.Shipping;

/// <summary>A source whose read position advances only when its entries were sent (or definitively rejected).</summary>
public interface ICommittable
{
    /// <summary>Client <paramref name="clientIndex"/> is done with everything up to <paramref name="offset"/> of <paramref name="generation"/>.</summary>
    void Commit(int clientIndex, long generation, long offset);
}
