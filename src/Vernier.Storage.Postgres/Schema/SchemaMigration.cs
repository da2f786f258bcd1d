namespace Vernier.Storage.Postgres.Schema;

/// <summary>One forward step of the database schema.</summary>
/// <param name="Version">The version the schema has after this step: 1, 2, 3, … without gaps.</param>
/// <param name="Description">What the step changes, recorded in the <c>schema_version</c> table.</param>
/// <param name="Sql">The statements that make the change; they run inside the migration's transaction.</param>
internal sealed record SchemaMigration(int Version, string Description, string Sql);
