using Vernier.Studies;

namespace Vernier.Storage.Postgres;

/// <summary>Adds PostgreSQL to <see cref="StudyBuilder"/>.</summary>
public static class PostgresStudyBuilderExtensions
{
    /// <summary>Keeps the study on a PostgreSQL server; the storage connects on first use and is closed with the study.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="url"><c>postgresql://user:password@host:port/database</c>; what it omits comes from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.</param>
    /// <param name="options">Pool and retry options, or null for the defaults.</param>
    /// <example><code>await using var study = await Study.Builder("mlp").UsePostgres("postgresql://vernier@db/studies").CreateOrLoadAsync();</code></example>
    public static StudyBuilder UsePostgres(this StudyBuilder builder, string url, PostgresStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStorage(PostgresStorage.Open(url, options), ownsStorage: true);
    }
}
