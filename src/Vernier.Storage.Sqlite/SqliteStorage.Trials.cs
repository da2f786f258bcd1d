using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Storage.Sqlite;

public sealed partial class SqliteStorage
{
    /// <inheritdoc />
    public Task<FrozenTrial> CreateTrialAsync(long studyId, NewTrial trial, int? maxRunning = null, int? maxCounted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);

        // Serialise outside the write lock, so that it is held only for the SQL.
        var rows = NewTrialRows.From(trial);
        return WriteAsync(
            connection =>
            {
                RequireStudy(connection, studyId);
                if (trial.State == TrialState.Running && maxRunning is int limit && CountRunning(connection, studyId) >= limit)
                {
                    throw new ConcurrencyLimitExceededException(limit);
                }

                long number = NextNumber(connection, studyId);
                if (trial.State != TrialState.Waiting && maxCounted is int budget && BudgetUsedUp(connection, studyId, number, budget))
                {
                    throw new TrialBudgetExhaustedException(budget);
                }

                // Safe under BEGIN IMMEDIATE: no other writer can take the same number before this commits.
                long trialId = InsertNewTrial(connection, studyId, number, rows);
                return ReadTrial(connection, trialId);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<FrozenTrial?> ClaimWaitingTrialAsync(
        long studyId,
        DateTimeOffset startedAt,
        int? maxRunning = null,
        int? maxCounted = null,
        ImmutableDictionary<string, JsonElement>? systemAttributes = null,
        CancellationToken cancellationToken = default)
    {
        (string Scope, string Key, string Json)[] attributes = SystemRows(systemAttributes);
        return WriteAsync(
            connection =>
            {
                RequireStudy(connection, studyId);
                if (maxRunning is int limit && CountRunning(connection, studyId) >= limit)
                {
                    return null;
                }

                if (maxCounted is int budget && BudgetUsedUp(connection, studyId, NextNumber(connection, studyId), budget))
                {
                    throw new TrialBudgetExhaustedException(budget);
                }

                using SqliteCommand command = connection.Command(
                    """
                    UPDATE trials SET state = 'running', started_at = $started
                    WHERE trial_id = (SELECT trial_id FROM trials WHERE study_id = $study AND state = 'waiting' ORDER BY number LIMIT 1)
                    RETURNING trial_id
                    """,
                    ("$study", studyId),
                    ("$started", SqliteValues.Time(startedAt)));
                if (command.ExecuteScalar() is not long trialId)
                {
                    return null;
                }

                UpsertAttributes(connection, trialId, attributes);
                return ReadTrial(connection, trialId);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task SetTrialParameterAsync(long trialId, string name, TrialParameter parameter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        string distribution = DistributionJson.Serialize(parameter.Distribution);
        return WriteAsync(
            connection =>
            {
                int number = RequireUnfinished(connection, trialId, $"set parameter '{name}'");
                using (SqliteCommand command = connection.Command(
                    "SELECT distribution, internal_value FROM trial_params WHERE trial_id = $trial AND name = $name", ("$trial", trialId), ("$name", name)))
                using (SqliteDataReader reader = command.ExecuteReader())
                {
                    if (reader.Read())
                    {
                        var existing = new TrialParameter(DistributionJson.Deserialize(reader.GetString(0)), reader.GetDouble(1));
                        if (existing != parameter)
                        {
                            throw new TrialStateException($"trial {number} already has parameter '{name}' = {CategoricalDistribution.FormatChoice(existing.Value)}.");
                        }

                        // The same value again: nothing to write.
                        return true;
                    }
                }

                connection.Execute(
                    "INSERT INTO trial_params (trial_id, name, distribution, internal_value) VALUES ($trial, $name, $distribution, $value)",
                    ("$trial", trialId),
                    ("$name", name),
                    ("$distribution", distribution),
                    ("$value", parameter.InternalValue));
                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task SetTrialIntermediateValueAsync(long trialId, long step, double value, CancellationToken cancellationToken = default) =>
        WriteAsync(
            connection =>
            {
                RequireUnfinished(connection, trialId, string.Create(CultureInfo.InvariantCulture, $"report step {step}"));
                connection.Execute(
                    """
                    INSERT INTO trial_intermediate_values (trial_id, step, value) VALUES ($trial, $step, $value)
                    ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value
                    """,
                    ("$trial", trialId),
                    ("$step", step),
                    ("$value", SqliteValues.Real(value)));
            },
            cancellationToken);

    /// <inheritdoc />
    public Task SetTrialAttributeAsync(long trialId, AttributeScope scope, string key, JsonElement value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        string json = SqliteValues.Json(value);
        return WriteAsync(
            connection =>
            {
                RequireTrial(connection, trialId);
                connection.Execute(
                    """
                    INSERT INTO trial_attributes (trial_id, scope, key, value_json) VALUES ($trial, $scope, $key, $json)
                    ON CONFLICT (trial_id, scope, key) DO UPDATE SET value_json = excluded.value_json
                    """,
                    ("$trial", trialId),
                    ("$scope", SqliteValues.Scope(scope)),
                    ("$key", key),
                    ("$json", json));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> FinishTrialAsync(long trialId, TrialOutcome outcome, CancellationToken cancellationToken = default)
    {
        StorageValidation.ValidateOutcome(outcome);
        (string Scope, string Key, string Json)[] attributes = SystemRows(outcome.SystemAttributes);
        NewTrialRows? retry = outcome.Retry is { } next ? NewTrialRows.From(next) : null;
        return WriteAsync(
            connection =>
            {
                if (RequireTrial(connection, trialId).State != TrialState.Running)
                {
                    // Nothing else is written either: the attributes and the retry belong to the finish that happened.
                    return false;
                }

                connection.Execute(
                    "UPDATE trials SET state = $state, completed_at = $completed, fail_reason = $reason WHERE trial_id = $trial",
                    ("$trial", trialId),
                    ("$state", SqliteValues.State(outcome.State)),
                    ("$completed", SqliteValues.Time(outcome.CompletedAt)),
                    ("$reason", SqliteValues.Text(outcome.FailReason)));
                connection.Execute("DELETE FROM trial_values WHERE trial_id = $trial", ("$trial", trialId));
                InsertValues(connection, trialId, outcome.Values);
                UpsertAttributes(connection, trialId, attributes);
                if (retry is not null)
                {
                    long studyId = connection.ScalarInt64("SELECT study_id FROM trials WHERE trial_id = $trial", ("$trial", trialId));
                    InsertNewTrial(connection, studyId, NextNumber(connection, studyId), retry);
                }

                return true;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task RecordHeartbeatAsync(long trialId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        WriteAsync(
            connection =>
            {
                if (connection.Execute("UPDATE trials SET heartbeat_at = $at WHERE trial_id = $trial", ("$trial", trialId), ("$at", SqliteValues.Time(at))) == 0)
                {
                    throw new TrialNotFoundException(trialId);
                }
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<FrozenTrial>> GetStaleTrialsAsync(long studyId, DateTimeOffset before, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<FrozenTrial>>(
            connection =>
            {
                RequireStudy(connection, studyId);

                // Fixed-width UTC text: comparing the strings compares the instants.
                return TrialReader.Read(
                    connection,
                    "t.study_id = $study AND t.state = 'running' AND t.heartbeat_at < $before",
                    ("$study", studyId),
                    ("$before", SqliteValues.Time(before)));
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<FrozenTrial> GetTrialAsync(long trialId, CancellationToken cancellationToken = default) =>
        ReadAsync(connection => ReadTrial(connection, trialId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<FrozenTrial>> GetTrialsAsync(long studyId, IReadOnlyCollection<TrialState>? states = null, CancellationToken cancellationToken = default)
    {
        string[]? names = states?.Distinct().Select(SqliteValues.State).ToArray();
        return ReadAsync<IReadOnlyList<FrozenTrial>>(
            connection =>
            {
                RequireStudy(connection, studyId);
                if (names is null)
                {
                    return TrialReader.Read(connection, "t.study_id = $study", ("$study", studyId));
                }

                if (names.Length == 0)
                {
                    return [];
                }

                // State names are fixed words from ToWireName, safe to inline; the index on (study_id, state) serves the filter.
                string list = string.Join(", ", names.Select(n => $"'{n}'"));
                return TrialReader.Read(connection, $"t.study_id = $study AND t.state IN ({list})", ("$study", studyId));
            },
            cancellationToken);
    }

    private static FrozenTrial ReadTrial(SqliteConnection connection, long trialId) =>
        TrialReader.Read(connection, "t.trial_id = $trial", ("$trial", trialId)).SingleOrDefault() ?? throw new TrialNotFoundException(trialId);

    private static long CountRunning(SqliteConnection connection, long studyId) =>
        connection.ScalarInt64("SELECT COUNT(*) FROM trials WHERE study_id = $study AND state = 'running'", ("$study", studyId));

    /// <summary>
    /// Whether the trials that use up the study's budget reach it. Numbers are dense, so a study holding fewer trials than
    /// the budget (<paramref name="nextNumber"/>, from the number index) needs no count: asks stay cheap however long the study grows.
    /// </summary>
    private static bool BudgetUsedUp(SqliteConnection connection, long studyId, long nextNumber, int budget) =>
        nextNumber >= budget && CountCounted(connection, studyId) >= budget;

    /// <summary>How many trials the study holds (the next trial's number).</summary>
    private static long NextNumber(SqliteConnection connection, long studyId) =>
        connection.ScalarInt64("SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study_id = $study", ("$study", studyId));

    /// <summary>The trials that use up the study's budget, as <see cref="Studies.TrialBudget.Counts"/> decides.</summary>
    private static long CountCounted(SqliteConnection connection, long studyId) =>
        connection.ScalarInt64(
            """
            SELECT COUNT(*) FROM trials t
            WHERE t.study_id = $study AND t.state <> 'waiting'
              AND NOT (t.state = 'failed' AND EXISTS (
                  SELECT 1 FROM trial_attributes a WHERE a.trial_id = t.trial_id AND a.scope = 'system' AND a.key IN ($interrupted, $retried)))
            """,
            ("$study", studyId),
            ("$interrupted", Studies.SystemAttributes.Interrupted),
            ("$retried", Studies.SystemAttributes.Retried));

    private static (int Number, TrialState State) RequireTrial(SqliteConnection connection, long trialId)
    {
        using SqliteCommand command = connection.Command("SELECT number, state FROM trials WHERE trial_id = $trial", ("$trial", trialId));
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt32(0), SqliteValues.ReadState(reader, 1)) : throw new TrialNotFoundException(trialId);
    }

    /// <summary>The trial's number, after checking it exists and has not finished.</summary>
    private static int RequireUnfinished(SqliteConnection connection, long trialId, string action)
    {
        (int number, TrialState state) = RequireTrial(connection, trialId);
        if (state.IsFinished())
        {
            throw new TrialStateException($"cannot {action} on trial {number}: it is already {state.ToWireName()}.");
        }

        return number;
    }

    private static (string Scope, string Key, string Json)[] Attributes(NewTrial trial) =>
    [
        .. trial.UserAttributes.Select(a => (SqliteValues.Scope(AttributeScope.User), a.Key, SqliteValues.Json(a.Value))),
        .. trial.SystemAttributes.Select(a => (SqliteValues.Scope(AttributeScope.System), a.Key, SqliteValues.Json(a.Value))),
    ];

    private static void InsertValues(SqliteConnection connection, long trialId, IEnumerable<double> values) =>
        InsertRows(
            connection,
            "INSERT INTO trial_values (trial_id, objective, value) VALUES ($trial, $a, $b)",
            trialId,
            values.Select((value, objective) => (objective, value)),
            v => (v.objective, SqliteValues.Real(v.value), null));

    /// <summary>Inserts one row per item with one statement; each item gives up to three values, <c>$a</c>, <c>$b</c>, <c>$c</c>.</summary>
    private static void InsertRows<T>(SqliteConnection connection, string sql, long trialId, IEnumerable<T> items, Func<T, (object A, object B, object? C)> values)
    {
        using SqliteCommand command = connection.Command(sql, ("$trial", trialId));

        // No declared type: each value binds as what it is (a double as REAL, never as text).
        SqliteParameter a = command.Parameters.AddWithValue("$a", DBNull.Value);
        SqliteParameter b = command.Parameters.AddWithValue("$b", DBNull.Value);
        SqliteParameter c = command.Parameters.AddWithValue("$c", DBNull.Value);
        foreach (T item in items)
        {
            (a.Value, b.Value, c.Value) = values(item);
            c.Value ??= DBNull.Value;
            command.ExecuteNonQuery();
        }
    }
}
