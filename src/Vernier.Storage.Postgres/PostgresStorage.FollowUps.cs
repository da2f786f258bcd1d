using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Storage.Postgres;

/// <summary>What a claim or a finish writes in its own transaction besides the trial's state: system attributes and a follow-up trial.</summary>
public sealed partial class PostgresStorage
{
    /// <summary>Sets (or replaces) attributes of one trial with one statement; nothing when there are none.</summary>
    private static async Task UpsertAttributesAsync(NpgsqlConnection connection, long trialId, AttributeRows attributes, CancellationToken cancellationToken)
    {
        if (attributes.Keys.Length == 0)
        {
            return;
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO trial_attributes (trial_id, scope, key, value_json)
            SELECT $1, u.scope, u.key, u.value_json FROM unnest($2::text[], $3::text[], $4::text[]) AS u (scope, key, value_json)
            ON CONFLICT (trial_id, scope, key) DO UPDATE SET value_json = excluded.value_json
            """,
            cancellationToken,
            trialId,
            attributes.Scopes,
            attributes.Keys,
            attributes.Json);
    }

    /// <summary>
    /// Inserts a follow-up trial (a retry) with the study's next number, in the caller's transaction; no budget or limit checks
    /// (a Waiting trial uses up neither). Takes the study row's lock, as <see cref="CreateTrialAsync"/> does, so numbers stay dense.
    /// </summary>
    /// <param name="connection">The connection in the transaction.</param>
    /// <param name="studyId">The study.</param>
    /// <param name="insert">The arguments of <see cref="InsertTrial"/> from <see cref="InsertArguments"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    private static async Task InsertFollowUpAsync(NpgsqlConnection connection, long studyId, object?[] insert, CancellationToken cancellationToken)
    {
        object? next = await connection.ScalarAsync(
            "UPDATE studies SET next_trial_number = next_trial_number + 1 WHERE study_id = $1 RETURNING next_trial_number - 1",
            cancellationToken,
            studyId);
        object?[] values = [.. insert];
        values[0] = studyId;
        values[1] = next is int number ? number : throw StudyNotFound(studyId);
        await connection.ScalarInt64Async(InsertTrial, cancellationToken, values);
    }

    /// <summary>The arguments of <see cref="InsertTrial"/> for a new trial; the study id (0) and number (1) are filled in inside the transaction.</summary>
    private static object?[] InsertArguments(NewTrial trial)
    {
        KeyValuePair<string, TrialParameter>[] parameters = [.. trial.Parameters];
        KeyValuePair<long, double>[] steps = [.. trial.IntermediateValues];
        AttributeRows attributes = AttributeRows.Of(trial.UserAttributes, trial.SystemAttributes);
        return
        [
            0L,
            0,
            PostgresValues.State(trial.State),
            PostgresValues.Time(trial.StartedAt),
            PostgresValues.Time(trial.CompletedAt),
            PostgresValues.Text(trial.FailReason),
            trial.Values.IsDefault ? Array.Empty<double>() : trial.Values.ToArray(),
            parameters.Select(p => p.Key).ToArray(),
            parameters.Select(p => DistributionJson.Serialize(p.Value.Distribution)).ToArray(),
            parameters.Select(p => p.Value.InternalValue).ToArray(),
            steps.Select(s => s.Key).ToArray(),
            steps.Select(s => s.Value).ToArray(),
            attributes.Scopes,
            attributes.Keys,
            attributes.Json,
        ];
    }

    /// <summary>Attribute rows as three parallel arrays (scope, key, JSON text), for <c>unnest</c>.</summary>
    private sealed record AttributeRows(string[] Scopes, string[] Keys, string[] Json)
    {
        public static AttributeRows System(ImmutableDictionary<string, JsonElement>? attributes) =>
            Of(ImmutableDictionary<string, JsonElement>.Empty, attributes ?? ImmutableDictionary<string, JsonElement>.Empty);

        public static AttributeRows Of(ImmutableDictionary<string, JsonElement> user, ImmutableDictionary<string, JsonElement> system)
        {
            (string Scope, string Key, string Json)[] rows =
            [
                .. user.Select(a => (PostgresValues.Scope(AttributeScope.User), a.Key, PostgresValues.Json(a.Value))),
                .. system.Select(a => (PostgresValues.Scope(AttributeScope.System), a.Key, PostgresValues.Json(a.Value))),
            ];
            return new([.. rows.Select(r => r.Scope)], [.. rows.Select(r => r.Key)], [.. rows.Select(r => r.Json)]);
        }
    }
}
