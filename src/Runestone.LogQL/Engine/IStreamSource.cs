using Runestone.Core.Logs;

namespace Runestone.LogQL.Engine;

/// <summary>
/// Storage as the engine sees it (the server implements it over Runestone.Storage, tests over
/// memory). Each returned iterator covers one stream and is opened lazily, so the engine may
/// consume them on several threads at once.
/// </summary>
public interface IStreamSource
{
    IReadOnlyList<IEntryIterator> Select(SelectRequest request, CancellationToken cancellationToken);
}
