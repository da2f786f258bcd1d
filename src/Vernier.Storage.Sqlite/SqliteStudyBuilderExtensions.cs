using Vernier.Studies;

namespace Vernier.Storage.Sqlite;

/// <summary>Adds SQLite to <see cref="StudyBuilder"/>.</summary>
public static class SqliteStudyBuilderExtensions
{
    /// <summary>Keeps the study in a SQLite file, opened now and closed with the study.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="urlOrPath">A file path, <c>sqlite:///relative.db</c> or <c>sqlite:////absolute.db</c>.</param>
    /// <param name="options">Connection options, or null for the defaults.</param>
    /// <example><code>await using var study = await Study.Builder("mlp").UseSqlite("studies.db").CreateOrLoadAsync();</code></example>
    public static StudyBuilder UseSqlite(this StudyBuilder builder, string urlOrPath, SqliteStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStorage(SqliteStorage.Open(urlOrPath, options), ownsStorage: true);
    }
}
