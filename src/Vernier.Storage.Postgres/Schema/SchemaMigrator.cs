using Npgsql;

namespace Vernier.Storage.Postgres.Schema;

/// <summary>Brings a PostgreSQL schema to the newest version, applying the missing steps in one transaction.</summary>
/// <remarks>
/// <para>The <c>schema_version</c> table holds one row per applied step (version, description, time);
/// the schema's version is the highest. A schema newer than the code is refused rather than written
/// to, so an old Vernier never damages data a newer one wrote.</para>
/// <para>The whole migration holds a transaction-scoped advisory lock keyed on the schema's name, so
/// processes that start at the same time against a new database migrate it one after the other: the
/// first applies the steps, the others then find nothing to do. A failing step rolls back every step
/// of that run (PostgreSQL's DDL is transactional).</para>
/// </remarks>
internal static class SchemaMigrator
{
    /// <summary>The first key of the advisory lock: "Vern" in ASCII, so that other applications' locks do not collide.</summary>
    private const int LockNamespace = 0x5665726E;

    /// <summary>Applies every step of <paramref name="migrations"/> newer than the schema's version.</summary>
    /// <param name="connection">An open connection, outside any transaction.</param>
    /// <param name="schema">The PostgreSQL schema to migrate (created when missing).</param>
    /// <param name="migrations">The steps, versions 1, 2, 3, … in order.</param>
    /// <param name="location">The database, for messages (without a password).</param>
    /// <param name="cancellationToken">Cancels the migration (rolling it back).</param>
    /// <returns>The schema's version before migrating: 0 for a new one.</returns>
    /// <exception cref="VernierException">The schema holds another program's tables, or has a newer version than <paramref name="migrations"/> knows.</exception>
    public static async Task<int> MigrateAsync(
        NpgsqlConnection connection, string schema, IReadOnlyList<SchemaMigration> migrations, string location, CancellationToken cancellationToken)
    {
        for (int i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"schema migration {i} has version {migrations[i].Version}; versions must run 1, 2, 3, … without gaps.");
            }
        }

        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock($1, hashtext($2))", cancellationToken, LockNamespace, schema);

        bool schemaExists = await connection.ExistsAsync("SELECT 1 FROM pg_namespace WHERE nspname = $1", cancellationToken, schema);
        if (!schemaExists)
        {
            await connection.ExecuteAsync($"CREATE SCHEMA {QuoteIdentifier(schema)}", cancellationToken);
        }

        // Unqualified names below resolve in this schema, also if it was created just now.
        await connection.ExecuteAsync($"SET LOCAL search_path TO {QuoteIdentifier(schema)}", cancellationToken);

        bool versioned = await TableExistsAsync(connection, schema, "schema_version", cancellationToken);
        if (!versioned && (await TableExistsAsync(connection, schema, "studies", cancellationToken) || await TableExistsAsync(connection, schema, "trials", cancellationToken)))
        {
            throw new VernierException(
                $"the schema '{schema}' of {location} has tables named like Vernier's but no schema_version table: it belongs to another program; choose another database or add ?schema=vernier to the URL.");
        }

        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken);
        int current = (int)await connection.ScalarInt64Async("SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken);
        int latest = migrations.Count;
        if (current > latest)
        {
            throw new VernierException(
                $"the schema '{schema}' of {location} has schema version {current}, but this version of Vernier knows versions up to {latest}; upgrade Vernier to open it.");
        }

        foreach (SchemaMigration migration in migrations.Skip(current))
        {
            await connection.ExecuteAsync(migration.Sql, cancellationToken);
            await connection.ExecuteAsync(
                "INSERT INTO schema_version (version, description) VALUES ($1, $2)", cancellationToken, migration.Version, migration.Description);
        }

        await transaction.CommitAsync(cancellationToken);
        return current;
    }

    /// <summary>A PostgreSQL identifier in double quotes, with embedded quotes doubled.</summary>
    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static Task<bool> TableExistsAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken) =>
        connection.ExistsAsync(
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v')",
            cancellationToken,
            schema,
            table);
}
