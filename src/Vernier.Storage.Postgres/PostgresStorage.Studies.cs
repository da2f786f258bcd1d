using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using Vernier.Studies;

namespace Vernier.Storage.Postgres;

public sealed partial class PostgresStorage
{
    /// <summary>Studies with their attributes as arrays, one statement (one snapshot).</summary>
    private const string StudiesQuery = """
        SELECT s.study_id, s.name, s.directions, s.created_at, a.scopes, a.keys, a.jsons
        FROM studies s
        LEFT JOIN LATERAL (SELECT array_agg(c.scope ORDER BY c.scope, c.key) AS scopes, array_agg(c.key ORDER BY c.scope, c.key) AS keys,
                                  array_agg(c.value_json ORDER BY c.scope, c.key) AS jsons
                           FROM study_attributes c WHERE c.study_id = s.study_id) a ON TRUE
        """;

    /// <inheritdoc />
    public Task<StudyRecord> CreateStudyAsync(string name, IReadOnlyList<StudyDirection> directions, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        StorageValidation.ValidateNewStudy(name, directions);
        string directionsJson = PostgresValues.Directions(directions);
        DateTimeOffset created = PostgresValues.Truncate(createdAt);

        // Not idempotent: a retry after an unknown commit would report the study as a duplicate of itself.
        return WriteAsync(
            async (connection, token) =>
            {
                // A concurrent creator of the same name makes this wait for its commit, then do nothing.
                object? studyId = await connection.ScalarAsync(
                    "INSERT INTO studies (name, directions, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING study_id",
                    token,
                    name,
                    directionsJson,
                    created.UtcDateTime);
                return studyId is long id
                    ? new StudyRecord { StudyId = id, Name = name, Directions = [.. directions], CreatedAt = created }
                    : throw new DuplicateStudyException(name);
            },
            idempotent: false,
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<StudyRecord?> FindStudyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return (await ReadAsync((connection, token) => ReadStudiesAsync(connection, "s.name = $1", token, name), cancellationToken)).SingleOrDefault();
    }

    /// <inheritdoc />
    public async Task<StudyRecord> GetStudyAsync(long studyId, CancellationToken cancellationToken = default) =>
        (await ReadAsync((connection, token) => ReadStudiesAsync(connection, "s.study_id = $1", token, studyId), cancellationToken)).SingleOrDefault()
        ?? throw StudyNotFound(studyId);

    /// <inheritdoc />
    public async Task<IReadOnlyList<StudyRecord>> GetStudiesAsync(CancellationToken cancellationToken = default) =>
        await ReadAsync((connection, token) => ReadStudiesAsync(connection, "TRUE", token), cancellationToken);

    /// <inheritdoc />
    public Task DeleteStudyAsync(long studyId, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async (connection, token) =>
            {
                // The trials and every row that hangs off them go by ON DELETE CASCADE, in this transaction.
                if (await connection.ExecuteAsync("DELETE FROM studies WHERE study_id = $1", token, studyId) == 0)
                {
                    throw StudyNotFound(studyId);
                }
            },
            idempotent: false,
            cancellationToken);

    /// <inheritdoc />
    public Task SetStudyAttributeAsync(long studyId, AttributeScope scope, string key, JsonElement value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        string json = PostgresValues.Json(value);
        return WriteAsync(
            async (connection, token) =>
            {
                try
                {
                    await connection.ExecuteAsync(
                        """
                        INSERT INTO study_attributes (study_id, scope, key, value_json) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (study_id, scope, key) DO UPDATE SET value_json = excluded.value_json
                        """,
                        token,
                        studyId,
                        PostgresValues.Scope(scope),
                        key,
                        json);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
                {
                    throw StudyNotFound(studyId);
                }
            },
            idempotent: true,
            cancellationToken);
    }

    /// <summary>The studies matching a condition on <c>studies</c> (aliased <c>s</c>), in creation order, with their attributes.</summary>
    private static async Task<IReadOnlyList<StudyRecord>> ReadStudiesAsync(NpgsqlConnection connection, string condition, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using NpgsqlCommand command = connection.Command($"{StudiesQuery} WHERE {condition} ORDER BY s.study_id", parameters);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        var studies = new List<StudyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            (ImmutableDictionary<string, JsonElement> user, ImmutableDictionary<string, JsonElement> system) = PostgresValues.ReadAttributes(reader, 4);

            studies.Add(new StudyRecord
            {
                StudyId = reader.GetInt64(0),
                Name = reader.GetString(1),
                Directions = [.. PostgresValues.ReadDirections(reader, 2)],
                CreatedAt = PostgresValues.ReadTime(reader, 3),
                UserAttributes = user,
                SystemAttributes = system,
            });
        }

        return studies;
    }
}
