using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vernier.Studies;

namespace Vernier.Storage.Sqlite;

public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    public Task<StudyRecord> CreateStudyAsync(string name, IReadOnlyList<StudyDirection> directions, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
    {
        StorageValidation.ValidateNewStudy(name, directions);
        string directionsJson = SqliteValues.Directions(directions);
        return WriteAsync(connection =>
        {
            if (connection.Exists("SELECT 1 FROM studies WHERE name = $name", ("$name", name)))
            {
                throw new DuplicateStudyException(name);
            }

            long studyId = connection.ScalarInt64(
                "INSERT INTO studies (name, directions, created_at) VALUES ($name, $directions, $created) RETURNING study_id",
                ("$name", name),
                ("$directions", directionsJson),
                ("$created", SqliteValues.Time(createdAt)));
            return new StudyRecord { StudyId = studyId, Name = name, Directions = [.. directions], CreatedAt = createdAt.ToUniversalTime() };
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StudyRecord?> FindStudyAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ReadAsync(connection => ReadStudies(connection, "s.name = $name", ("$name", name)).SingleOrDefault(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StudyRecord> GetStudyAsync(long studyId, CancellationToken cancellationToken = default) =>
        ReadAsync(
            connection => ReadStudies(connection, "s.study_id = $study", ("$study", studyId)).SingleOrDefault()
                ?? throw new StudyNotFoundException(studyId.ToString(CultureInfo.InvariantCulture)),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StudyRecord>> GetStudiesAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<StudyRecord>>(connection => ReadStudies(connection, "TRUE"), cancellationToken);

    /// <inheritdoc />
    public Task DeleteStudyAsync(long studyId, CancellationToken cancellationToken = default) =>
        WriteAsync(
            connection =>
            {
                // The trials and every row that hangs off them go by ON DELETE CASCADE, in this transaction.
                if (connection.Execute("DELETE FROM studies WHERE study_id = $study", ("$study", studyId)) == 0)
                {
                    throw new StudyNotFoundException(studyId.ToString(CultureInfo.InvariantCulture));
                }
            },
            cancellationToken);

    /// <inheritdoc />
    public Task SetStudyAttributeAsync(long studyId, AttributeScope scope, string key, JsonElement value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        string json = SqliteValues.Json(value);
        return WriteAsync(
            connection =>
            {
                RequireStudy(connection, studyId);
                connection.Execute(
                    """
                    INSERT INTO study_attributes (study_id, scope, key, value_json) VALUES ($study, $scope, $key, $json)
                    ON CONFLICT (study_id, scope, key) DO UPDATE SET value_json = excluded.value_json
                    """,
                    ("$study", studyId),
                    ("$scope", SqliteValues.Scope(scope)),
                    ("$key", key),
                    ("$json", json));
            },
            cancellationToken);
    }

    /// <summary>The studies matching a condition on <c>studies</c> (aliased <c>s</c>), in creation order, with their attributes.</summary>
    private static List<StudyRecord> ReadStudies(SqliteConnection connection, string condition, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var studies = new List<StudyRecord>();
        using (SqliteCommand command = connection.Command(
            $"SELECT s.study_id, s.name, s.directions, s.created_at FROM studies s WHERE {condition} ORDER BY s.study_id", parameters))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                studies.Add(new StudyRecord
                {
                    StudyId = reader.GetInt64(0),
                    Name = reader.GetString(1),
                    Directions = [.. SqliteValues.ReadDirections(reader, 2)],
                    CreatedAt = SqliteValues.ReadTime(reader, 3),
                });
            }
        }

        if (studies.Count == 0)
        {
            return studies;
        }

        var user = new Dictionary<long, ImmutableDictionary<string, JsonElement>.Builder>();
        var system = new Dictionary<long, ImmutableDictionary<string, JsonElement>.Builder>();
        using (SqliteCommand command = connection.Command(
            $"SELECT a.study_id, a.scope, a.key, a.value_json FROM study_attributes a JOIN studies s ON s.study_id = a.study_id WHERE {condition}",
            parameters))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                Dictionary<long, ImmutableDictionary<string, JsonElement>.Builder> scope = SqliteValues.IsUserScope(reader, 1) ? user : system;
                long studyId = reader.GetInt64(0);
                if (!scope.TryGetValue(studyId, out ImmutableDictionary<string, JsonElement>.Builder? attributes))
                {
                    attributes = ImmutableDictionary.CreateBuilder<string, JsonElement>();
                    scope.Add(studyId, attributes);
                }

                attributes.Add(reader.GetString(2), SqliteValues.ReadJson(reader, 3));
            }
        }

        return studies.ConvertAll(s => s with
        {
            UserAttributes = user.TryGetValue(s.StudyId, out var u) ? u.ToImmutable() : s.UserAttributes,
            SystemAttributes = system.TryGetValue(s.StudyId, out var y) ? y.ToImmutable() : s.SystemAttributes,
        });
    }
}
