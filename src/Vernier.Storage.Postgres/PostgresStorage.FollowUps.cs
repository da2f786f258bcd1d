using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using Vernier.Distributions;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage.Postgres;

/// <summary>What a claim or a finish writes in its own transaction besides the trial's state: system attributes and a follow-up trial.</summary>
public sealed partial class PostgresStorage
{
    /// <summary>
    /// Sets (or replaces) attributes of one trial with one statement each for the rows and the worker; nothing when there are
    /// none. An unknown trial fails the worker's update with <see cref="TrialNotFoundException"/>, and the rows' insert with a
    /// foreign-key violation.
    /// </summary>
    private static async Task UpsertAttributesAsync(NpgsqlConnection connection, long trialId, AttributeRows attributes, CancellationToken cancellationToken)
    {
        if (attributes.Worker is { } worker && await connection.ExecuteAsync(SetWorkerStatement, cancellationToken, trialId, worker) == 0)
        {
            throw new TrialNotFoundException(trialId);
        }

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

    /// <summary>The array arguments $7–$15, typed, so that an empty one can be sent as NULL (unnest of NULL is no rows) and cost nothing to encode.</summary>
    private const string ArrayArguments = "$7::float8[], $8::text[], $9::text[], $10::float8[], $11::bigint[], $12::float8[], $13::text[], $14::text[], $15::text[]";

    /// <summary>Calls the server-side <c>vernier_create_trial</c> (schema version 4) with the arguments from <see cref="CreateArguments"/>.</summary>
    private const string CreateTrialCall =
        "SELECT new_trial_id, new_number FROM vernier_create_trial($1, $2, $3::timestamptz, $4::timestamptz, $5::text, $6::timestamptz, " + ArrayArguments + ", $16::integer, $17::integer, $18::text)";

    /// <summary>Calls the server-side <c>vernier_claim_or_create_trial</c> with the arguments of <see cref="CreateTrialCall"/>.</summary>
    private const string ClaimOrCreateTrialCall =
        "SELECT new_trial_id, new_number, claimed FROM vernier_claim_or_create_trial($1, $2, $3::timestamptz, $4::timestamptz, $5::text, $6::timestamptz, " + ArrayArguments + ", $16::integer, $17::integer, $18::text)";

    /// <summary>Sets the trial's worker (the system attribute stored as <c>trials.worker_json</c>, schema version 4): $1 the trial, $2 the JSON text.</summary>
    private const string SetWorkerStatement = "UPDATE trials SET worker_json = $2 WHERE trial_id = $1";

    /// <summary>
    /// Inserts a follow-up trial (a retry) with the study's next number, in the caller's transaction; no budget or limit checks
    /// (a Waiting trial uses up neither). Takes the study row's lock, as <see cref="CreateTrialAsync"/> does, so numbers stay dense.
    /// </summary>
    /// <param name="connection">The connection in the transaction.</param>
    /// <param name="studyId">The study.</param>
    /// <param name="arguments">The trial's arguments from <see cref="CreateArguments"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    private static async Task InsertFollowUpAsync(NpgsqlConnection connection, long studyId, object?[] arguments, CancellationToken cancellationToken)
    {
        object?[] values = [.. arguments];
        values[0] = studyId;
        try
        {
            await connection.ExecuteAsync(CreateTrialCall, cancellationToken, values);
        }
        catch (PostgresException e) when (e.SqlState == "VN404")
        {
            throw StudyNotFound(studyId);
        }
    }

    /// <summary>
    /// The arguments of <see cref="CreateTrialCall"/> for a new trial: the study id (index 0, here 0) and the running limit and
    /// budget (15 and 16, here none) are the caller's to fill in; the worker is the last (17).
    /// </summary>
    private static object?[] CreateArguments(NewTrial trial)
    {
        KeyValuePair<string, TrialParameter>[] parameters = [.. trial.Parameters];
        KeyValuePair<long, double>[] steps = [.. trial.IntermediateValues];
        AttributeRows attributes = AttributeRows.Of(trial.UserAttributes, trial.SystemAttributes);
        return
        [
            0L,
            PostgresValues.State(trial.State),
            PostgresValues.Time(trial.StartedAt),
            PostgresValues.Time(trial.CompletedAt),
            PostgresValues.Text(trial.FailReason),
            PostgresValues.Time(trial.State == TrialState.Running ? trial.HeartbeatAt : null),
            trial.Values.IsDefaultOrEmpty ? DBNull.Value : trial.Values.ToArray(),
            parameters.Length == 0 ? DBNull.Value : parameters.Select(p => p.Key).ToArray(),
            parameters.Length == 0 ? DBNull.Value : parameters.Select(p => DistributionJson.Serialize(p.Value.Distribution)).ToArray(),
            parameters.Length == 0 ? DBNull.Value : parameters.Select(p => p.Value.InternalValue).ToArray(),
            steps.Length == 0 ? DBNull.Value : steps.Select(s => s.Key).ToArray(),
            steps.Length == 0 ? DBNull.Value : steps.Select(s => s.Value).ToArray(),
            attributes.Keys.Length == 0 ? DBNull.Value : attributes.Scopes,
            attributes.Keys.Length == 0 ? DBNull.Value : attributes.Keys,
            attributes.Keys.Length == 0 ? DBNull.Value : attributes.Json,
            DBNull.Value,
            DBNull.Value,
            attributes.Worker ?? (object)DBNull.Value,
        ];
    }

    /// <summary>
    /// Attribute rows as three parallel arrays (scope, key, JSON text), for <c>unnest</c>; the system attribute
    /// <see cref="SystemAttributes.Worker"/> apart, as the JSON text of <c>trials.worker_json</c> (or null).
    /// </summary>
    private sealed record AttributeRows(string[] Scopes, string[] Keys, string[] Json, string? Worker)
    {
        public static AttributeRows System(ImmutableDictionary<string, JsonElement>? attributes) =>
            Of(ImmutableDictionary<string, JsonElement>.Empty, attributes ?? ImmutableDictionary<string, JsonElement>.Empty);

        public static AttributeRows Of(ImmutableDictionary<string, JsonElement> user, ImmutableDictionary<string, JsonElement> system)
        {
            (string Scope, string Key, string Json)[] rows =
            [
                .. user.Select(a => (PostgresValues.Scope(AttributeScope.User), a.Key, PostgresValues.Json(a.Value))),
                .. system.Where(a => a.Key != SystemAttributes.Worker).Select(a => (PostgresValues.Scope(AttributeScope.System), a.Key, PostgresValues.Json(a.Value))),
            ];
            string? worker = system.TryGetValue(SystemAttributes.Worker, out JsonElement value) ? PostgresValues.Json(value) : null;
            return new([.. rows.Select(r => r.Scope)], [.. rows.Select(r => r.Key)], [.. rows.Select(r => r.Json)], worker);
        }
    }
}
