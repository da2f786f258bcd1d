using System.Globalization;

namespace Vernier.Storage.Postgres.Tests.Support;

/// <summary>
/// A fresh database on the test server for one test class (a class fixture), dropped afterwards;
/// tests inside it take fresh schemas from <see cref="NewSchema"/>, so that every store starts empty.
/// </summary>
public sealed class TestDatabase : IAsyncLifetime
{
    private int _schemas;

    /// <summary>The database's URL (schema public).</summary>
    internal PostgresUrl Url { get; private set; } = null!;

    /// <summary>The database's name.</summary>
    public string Name { get; } = "vernier_test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The URL of a schema of this database that no test has used yet (created by the storage on first use).</summary>
    internal PostgresUrl NewSchema(string prefix = "s") =>
        Url.With(schema: string.Create(CultureInfo.InvariantCulture, $"{prefix}{Interlocked.Increment(ref _schemas)}"));

    public async Task InitializeAsync()
    {
        PostgresUrl server = TestServer.Url;
        await TestServer.ExecuteAsync(server, $"CREATE DATABASE \"{Name}\"");
        Url = server.With(database: Name, schema: "public");
    }

    public async Task DisposeAsync()
    {
        if (Url is not null)
        {
            await TestServer.ExecuteAsync(TestServer.Url, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        }
    }
}
