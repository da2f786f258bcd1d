using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Storage.Sqlite;

/// <summary>What a claim or a finish writes in its own transaction besides the trial's state: system attributes and a follow-up trial.</summary>
public sealed partial class SqliteStorage
{
    private static (string Scope, string Key, string Json)[] SystemRows(ImmutableDictionary<string, JsonElement>? attributes) =>
        attributes is null ? [] : [.. attributes.Select(a => (SqliteValues.Scope(AttributeScope.System), a.Key, SqliteValues.Json(a.Value)))];

    private static void UpsertAttributes(SqliteConnection connection, long trialId, (string Scope, string Key, string Json)[] attributes) =>
        InsertRows(
            connection,
            """
            INSERT INTO trial_attributes (trial_id, scope, key, value_json) VALUES ($trial, $a, $b, $c)
            ON CONFLICT (trial_id, scope, key) DO UPDATE SET value_json = excluded.value_json
            """,
            trialId,
            attributes,
            a => (a.Scope, a.Key, a.Json));

    /// <summary>
    /// Inserts a trial numbered <paramref name="number"/> (the study's next, from <see cref="NextNumber"/>) with all its rows;
    /// the caller holds the write transaction and checks any limits.
    /// </summary>
    private static long InsertNewTrial(SqliteConnection connection, long studyId, long number, NewTrialRows trial)
    {
        long trialId = connection.ScalarInt64(
            """
            INSERT INTO trials (study_id, number, state, started_at, completed_at, fail_reason, heartbeat_at)
            VALUES ($study, $number, $state, $started, $completed, $reason, $heartbeat)
            RETURNING trial_id
            """,
            ("$study", studyId),
            ("$number", number),
            ("$state", SqliteValues.State(trial.Trial.State)),
            ("$started", SqliteValues.Time(trial.Trial.StartedAt)),
            ("$completed", SqliteValues.Time(trial.Trial.CompletedAt)),
            ("$reason", SqliteValues.Text(trial.Trial.FailReason)),
            ("$heartbeat", SqliteValues.Time(trial.Trial.State == TrialState.Running ? trial.Trial.HeartbeatAt : null)));
        InsertValues(connection, trialId, trial.Trial.Values);
        InsertRows(connection, "INSERT INTO trial_params (trial_id, name, distribution, internal_value) VALUES ($trial, $a, $b, $c)", trialId, trial.Parameters, p => (p.Name, p.Distribution, p.Value));
        InsertRows(connection, "INSERT INTO trial_intermediate_values (trial_id, step, value) VALUES ($trial, $a, $b)", trialId, trial.Trial.IntermediateValues, v => (v.Key, SqliteValues.Real(v.Value), null));
        InsertRows(connection, "INSERT INTO trial_attributes (trial_id, scope, key, value_json) VALUES ($trial, $a, $b, $c)", trialId, trial.Attributes, a => (a.Scope, a.Key, a.Json));
        return trialId;
    }

    /// <summary>A new trial with its rows serialised ahead of the write transaction, so that the write lock is held only for the SQL.</summary>
    private sealed record NewTrialRows(NewTrial Trial, (string Name, string Distribution, double Value)[] Parameters, (string Scope, string Key, string Json)[] Attributes)
    {
        public static NewTrialRows From(NewTrial trial) => new(
            trial,
            [.. trial.Parameters.Select(p => (p.Key, DistributionJson.Serialize(p.Value.Distribution), p.Value.InternalValue))],
            SqliteStorage.Attributes(trial));
    }
}
