namespace Runestone.Storage.ObjectStore;

/// <summary>
/// Immutable objects by key: the only way the engine reads and writes chunks, so that object
/// storage (S3) slots in beside the filesystem without touching the engine. Keys use '/'.
/// </summary>
public interface IObjectStore
{
    /// <summary>Stores the object durably; when the call completes the object survives a crash.</summary>
    ValueTask PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Returns the whole object, or null when it does not exist.</summary>
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Keys that start with <paramref name="prefix"/>, in ordinal order.</summary>
    ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes the object; deleting a missing object is not an error.</summary>
    ValueTask DeleteAsync(string key, CancellationToken cancellationToken);
}
