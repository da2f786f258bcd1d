using System.Collections.Concurrent;
using Vernier.Storage.Postgres.Tests.Support;
using Vernier.Testing;

namespace Vernier.Storage.Postgres.Tests;

/// <summary>The shared storage contract on PostgreSQL: every store is a fresh schema of this class's database.</summary>
public sealed class PostgresStorageConformanceTests(TestDatabase database) : StorageConformanceTests, IClassFixture<TestDatabase>
{
    private readonly ConcurrentDictionary<IStorage, PostgresUrl> _urls = new();

    /// <summary>timestamptz keeps microseconds.</summary>
    protected override TimeSpan TimestampResolution => TimeSpan.FromMicroseconds(1);

    protected override Task<IStorage> CreateStorageAsync()
    {
        PostgresUrl url = database.NewSchema();
        PostgresStorage storage = PostgresStorage.Open(url);
        _urls[storage] = url;
        return Task.FromResult<IStorage>(storage);
    }

    /// <summary>Another pool on the same schema, as another process would open.</summary>
    protected override Task<IStorage?> OpenSecondHandleAsync(IStorage storage) =>
        Task.FromResult<IStorage?>(PostgresStorage.Open(_urls[storage]));
}
