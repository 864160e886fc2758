using Runestone.Storage.ObjectStore;
using Xunit;

namespace Runestone.Storage.Tests;

public sealed class FileSystemObjectStoreTests
{
    [Fact]
    public async Task Put_get_list_and_delete()
    {
        using var dir = new TempDirectory();
        var store = new FileSystemObjectStore(dir.Path);
        await store.PutAsync("t/aa/1", new byte[] { 1, 2, 3 }, CancellationToken.None);
        await store.PutAsync("t/bb/2", new byte[] { 4 }, CancellationToken.None);
        await store.PutAsync("u/cc/3", new byte[] { 5 }, CancellationToken.None);
        await store.PutAsync("t/aa/1", new byte[] { 9, 9 }, CancellationToken.None); // overwrite

        Assert.Equal([9, 9], await store.GetAsync("t/aa/1", CancellationToken.None));
        Assert.Null(await store.GetAsync("t/zz/missing", CancellationToken.None));
        Assert.Null(await store.GetAsync("nodir/missing", CancellationToken.None));
        Assert.Equal(["t/aa/1", "t/bb/2"], await store.ListAsync("t/", CancellationToken.None));
        Assert.Equal(["t/aa/1", "t/bb/2", "u/cc/3"], await store.ListAsync("", CancellationToken.None));

        await store.DeleteAsync("t/aa/1", CancellationToken.None);
        await store.DeleteAsync("t/aa/1", CancellationToken.None); // missing is not an error
        Assert.Equal(["t/bb/2"], await store.ListAsync("t/", CancellationToken.None));
        Assert.Equal(Path.Combine(dir.Path, "t", "bb", "2"), Directory.GetFiles(dir.Path, "2", SearchOption.AllDirectories).Single());
    }

    [Fact]
    public async Task Leftover_temp_files_are_not_listed()
    {
        using var dir = new TempDirectory();
        var store = new FileSystemObjectStore(dir.Path);
        await store.PutAsync("t/a", new byte[] { 1 }, CancellationToken.None);
        File.WriteAllBytes(Path.Combine(dir.Path, "t", "b.tmp-7"), [1]); // a put interrupted by a crash
        Assert.Equal(["t/a"], await store.ListAsync("t/", CancellationToken.None));
        Assert.Empty(Directory.GetFiles(dir.Path, "a.tmp-*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/abs/key")]
    [InlineData("t/../escape")]
    [InlineData("..")]
    public async Task Invalid_keys_are_refused(string key)
    {
        using var dir = new TempDirectory();
        var store = new FileSystemObjectStore(dir.Path);
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutAsync(key, new byte[] { 1 }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.GetAsync(key, CancellationToken.None));
    }
}
