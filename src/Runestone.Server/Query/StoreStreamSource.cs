using Runestone.Core.Logs;
using Runestone.LogQL.Engine;
using Runestone.Storage.Engine;

namespace Runestone.Server.Query;

/// <summary>The engine's view of one tenant's data in the store.</summary>
public sealed class StoreStreamSource(LogStore store, string tenant) : IStreamSource
{
    public IReadOnlyList<IEntryIterator> Select(SelectRequest request, CancellationToken cancellationToken) =>
        store.Select(tenant, request.Matchers, request.StartNs, request.EndNs, request.Direction, request.LineFilter, request.Statistics);
}
