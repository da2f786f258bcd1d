using Vernier.Storage;
using Vernier.Storage.Postgres;
using Vernier.Storage.Sqlite;

namespace Vernier.Cli;

/// <summary>Opens a storage from its URL.</summary>
internal static class StorageLocator
{
    /// <summary>The storage used when neither the command line nor the config names one.</summary>
    public const string DefaultUrl = "sqlite:///vernier.db";

    /// <summary>
    /// Opens <c>memory:</c>, <c>sqlite:///path.db</c> (relative), <c>sqlite:////abs/path.db</c>, or
    /// <c>postgresql://user:password@host:port/db</c> (also <c>postgres://</c>; what it omits comes from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE).
    /// </summary>
    /// <exception cref="CliException">The URL's scheme is not supported.</exception>
    /// <exception cref="ArgumentException">The URL is malformed (the message never shows a password).</exception>
    /// <exception cref="VernierException">The PostgreSQL server cannot be reached, refuses the login, or holds a schema this version cannot use.</exception>
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

        if (IsPostgres(url))
        {
            // Connect and migrate now, so that a wrong host or password is one clear error before any work starts.
            // Blocking is fine here: the CLI has no synchronization context.
            return PostgresStorage.OpenAsync(url).GetAwaiter().GetResult();
        }

        throw new CliException($"unknown storage URL '{Redact(url)}'; use sqlite:///relative/path.db, sqlite:////absolute/path.db, postgresql://user@host/db or memory:.");
    }

    /// <summary>The URL as it may be shown to users and written to logs: a PostgreSQL URL's password replaced by <c>****</c>.</summary>
    public static string Redact(string url) => PostgresStorage.RedactPassword(url);

    private static bool IsPostgres(string url) =>
        url.StartsWith("postgresql:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase);
}
