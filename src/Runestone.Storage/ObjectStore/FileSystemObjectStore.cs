namespace Runestone.Storage.ObjectStore;

/// <summary>
/// Objects as files under a root directory. A put writes a temporary file, fsyncs it, renames
/// it into place and fsyncs the directory, so a crash leaves either the whole object or none.
/// </summary>
public sealed class FileSystemObjectStore : IObjectStore
{
    private readonly string _root;

    public FileSystemObjectStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public async ValueTask PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = path + ".tmp-" + Environment.CurrentManagedThreadId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
        {
            await file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        DirectorySync.Fsync(directory);
    }

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            return ValueTask.FromResult<byte[]?>(File.ReadAllBytes(path));
        }
        catch (FileNotFoundException)
        {
            return ValueTask.FromResult<byte[]?>(null);
        }
        catch (DirectoryNotFoundException)
        {
            return ValueTask.FromResult<byte[]?>(null);
        }
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var result = new List<string>();
        if (Directory.Exists(_root))
        {
            foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
            {
                if (file.Contains(".tmp-", StringComparison.Ordinal))
                {
                    continue;
                }

                var key = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    result.Add(key);
                }
            }
        }

        result.Sort(StringComparer.Ordinal);
        return ValueTask.FromResult<IReadOnlyList<string>>(result);
    }

    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return ValueTask.CompletedTask;
    }

    private string PathOf(string key)
    {
        if (key.Length == 0 || key.Contains("..", StringComparison.Ordinal) || key[0] == '/')
        {
            throw new ArgumentException($"invalid object key '{key}'", nameof(key));
        }

        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
