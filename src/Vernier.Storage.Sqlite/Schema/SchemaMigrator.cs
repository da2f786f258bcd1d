using Microsoft.Data.Sqlite;

namespace Vernier.Storage.Sqlite.Schema;

/// <summary>Brings a database to the newest schema version, applying the missing steps in one transaction.</summary>
/// <remarks>
/// The <c>schema_version</c> table holds one row per applied step (version and description); the
/// database's version is the highest. A database newer than the code is refused rather than
/// written to, so an old Vernier never damages data a newer one wrote.
/// </remarks>
internal static class SchemaMigrator
{
    /// <summary>Applies every step of <paramref name="migrations"/> newer than the database's version.</summary>
    /// <param name="connection">An open connection, outside any transaction.</param>
    /// <param name="migrations">The steps, versions 1, 2, 3, … in order.</param>
    /// <param name="databaseName">The file, for messages.</param>
    /// <returns>The database's version before migrating: 0 for a new file.</returns>
    /// <exception cref="VernierException">The file is not a Vernier database, or has a newer schema than <paramref name="migrations"/> knows.</exception>
    public static int Migrate(SqliteConnection connection, IReadOnlyList<SchemaMigration> migrations, string databaseName)
    {
        for (int i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"schema migration {i} has version {migrations[i].Version}; versions must run 1, 2, 3, … without gaps.");
            }
        }

        // BEGIN IMMEDIATE: processes opening a new file at the same time migrate it one after the other.
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        bool versioned = connection.Exists("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
        if (!versioned && connection.Exists("SELECT 1 FROM sqlite_master WHERE type = 'table'"))
        {
            throw new VernierException(
                $"'{databaseName}' is a SQLite database but not a Vernier one (it has tables but no schema_version table); choose another file.");
        }

        connection.Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL)");
        int current = (int)connection.ScalarInt64("SELECT COALESCE(MAX(version), 0) FROM schema_version");
        int latest = migrations.Count;
        if (current > latest)
        {
            throw new VernierException(
                $"'{databaseName}' has schema version {current}, but this version of Vernier knows versions up to {latest}; upgrade Vernier to open it.");
        }

        foreach (SchemaMigration migration in migrations.Skip(current))
        {
            connection.Execute(migration.Sql);
            connection.Execute(
                "INSERT INTO schema_version (version, description) VALUES ($version, $description)",
                ("$version", migration.Version),
                ("$description", migration.Description));
        }

        transaction.Commit();
        return current;
    }
}
