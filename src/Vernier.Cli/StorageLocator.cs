using Vernier.Storage;
using Vernier.Storage.Sqlite;

namespace Vernier.Cli;

/// <summary>Opens a storage from its URL.</summary>
internal static class StorageLocator
{
    /// <summary>The storage used when neither the command line nor the config names one.</summary>
    public const string DefaultUrl = "sqlite:///vernier.db";

    /// <summary>Opens <c>memory:</c>, <c>sqlite:///path.db</c> (relative) or <c>sqlite:////abs/path.db</c>.</summary>
    /// <exception cref="CliException">The URL's scheme is not supported.</exception>
    public static IStorage Open(string url)
    {
        if (url == "memory:")
        {
            return new InMemoryStorage();
        }

        if (url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            return SqliteStorage.Open(url);
        }

        if (url.StartsWith("postgresql:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"storage '{url}': PostgreSQL storage is not part of this build yet; use sqlite:///path.db.");
        }

        throw new CliException($"unknown storage URL '{url}'; use sqlite:///relative/path.db, sqlite:////absolute/path.db or memory:.");
    }
}
