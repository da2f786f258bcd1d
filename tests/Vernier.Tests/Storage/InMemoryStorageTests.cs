using Vernier.Storage;
using Vernier.Testing;

namespace Vernier.Tests.Storage;

public sealed class InMemoryStorageTests : StorageConformanceTests
{
    protected override Task<IStorage> CreateStorageAsync() => Task.FromResult<IStorage>(new InMemoryStorage());
}
