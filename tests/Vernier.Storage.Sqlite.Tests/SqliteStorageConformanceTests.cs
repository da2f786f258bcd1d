using Vernier.Storage.Sqlite.Tests.Support;
using Vernier.Testing;

namespace Vernier.Storage.Sqlite.Tests;

public sealed class SqliteStorageConformanceTests : StorageConformanceTests, IDisposable
{
    private readonly TempDirectory _directory = new();
    private int _files;

    public void Dispose() => _directory.Dispose();

    protected override Task<IStorage> CreateStorageAsync() =>
        Task.FromResult<IStorage>(SqliteStorage.Open(_directory.File($"store{Interlocked.Increment(ref _files)}.db")));

    protected override Task<IStorage?> OpenSecondHandleAsync(IStorage storage) =>
        Task.FromResult<IStorage?>(SqliteStorage.Open(((SqliteStorage)storage).FilePath));
}
