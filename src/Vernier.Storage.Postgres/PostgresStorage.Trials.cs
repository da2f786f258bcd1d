using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Vernier.Distributions;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage.Postgres;

public sealed partial class PostgresStorage
{
    /// <inheritdoc />
    /// <remarks>One round trip: the server-side function <c>vernier_create_trial</c> (schema version 2) numbers, checks and inserts.</remarks>
    public async Task<FrozenTrial> CreateTrialAsync(long studyId, NewTrial trial, int? maxRunning = null, int? maxCounted = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        object?[] arguments = CreateArguments(trial);
        arguments[0] = studyId;
        arguments[15] = maxRunning is int limit ? limit : DBNull.Value;
        arguments[16] = maxCounted is int budget ? budget : DBNull.Value;

        // Not idempotent: a retry after an unknown commit would create a second trial.
        (long trialId, int number) = await WriteOneStatementAsync(
            async (connection, token) =>
            {
                await using NpgsqlCommand command = connection.Command(CreateTrialCall, arguments);
                try
                {
                    await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(token);
                    await reader.ReadAsync(token);
                    return (reader.GetInt64(0), reader.GetInt32(1));
                }
                catch (PostgresException e) when (e.SqlState == "VN404")
                {
                    throw StudyNotFound(studyId);
                }
                catch (PostgresException e) when (e.SqlState == "VN429")
                {
                    throw new ConcurrencyLimitExceededException(maxRunning!.Value);
                }
                catch (PostgresException e) when (e.SqlState == "VN410")
                {
                    throw new TrialBudgetExhaustedException(maxCounted!.Value);
                }
            },
            idempotent: false,
            cancellationToken);
        return Created(trialId, number, trial);
    }

    /// <summary>A trial just inserted, as a read would return it, without reading it.</summary>
    private static FrozenTrial Created(long trialId, int number, NewTrial trial) => new()
    {
        TrialId = trialId,
        Number = number,
        State = trial.State,
        Values = trial.Values.IsDefault ? [] : trial.Values,
        Parameters = trial.Parameters,
        IntermediateValues = trial.IntermediateValues,
        UserAttributes = Detached(trial.UserAttributes),
        SystemAttributes = Detached(trial.SystemAttributes),
        StartedAt = PostgresValues.Truncate(trial.StartedAt),
        CompletedAt = PostgresValues.Truncate(trial.CompletedAt),
        FailReason = trial.FailReason,
    };

    /// <inheritdoc />
    /// <remarks>One round trip (the server-side function <c>vernier_claim_or_create_trial</c>), and a second to read a claimed trial.</remarks>
    async Task<(FrozenTrial Trial, bool Claimed)> IStorage.ClaimOrCreateTrialAsync(long studyId, NewTrial trial, int? maxRunning, int? maxCounted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.State != TrialState.Running || trial.StartedAt is null)
        {
            throw new ArgumentException("an asked trial must be Running and have a start time.", nameof(trial));
        }

        object?[] arguments = CreateArguments(trial);
        arguments[0] = studyId;
        arguments[15] = maxRunning is int limit ? limit : DBNull.Value;
        arguments[16] = maxCounted is int budget ? budget : DBNull.Value;

        // Not idempotent: a retry after an unknown commit would create or claim a second trial.
        (long trialId, int number, bool claimed) = await WriteOneStatementAsync(
            async (connection, token) =>
            {
                await using NpgsqlCommand command = connection.Command(ClaimOrCreateTrialCall, arguments);
                try
                {
                    await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(token);
                    await reader.ReadAsync(token);
                    return (reader.GetInt64(0), reader.IsDBNull(1) ? -1 : reader.GetInt32(1), reader.GetBoolean(2));
                }
                catch (PostgresException e) when (e.SqlState == "VN404")
                {
                    throw StudyNotFound(studyId);
                }
                catch (PostgresException e) when (e.SqlState == "VN429")
                {
                    throw new ConcurrencyLimitExceededException(maxRunning!.Value);
                }
                catch (PostgresException e) when (e.SqlState == "VN410")
                {
                    throw new TrialBudgetExhaustedException(maxCounted!.Value);
                }
            },
            idempotent: false,
            cancellationToken);
        return claimed ? (await GetTrialAsync(trialId, cancellationToken), true) : (Created(trialId, number, trial), false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One round trip when nothing waits (most asks): the server-side function <c>vernier_claim_trial</c> (schema version 2)
    /// answers from the index without the study's lock. A claim takes a second round trip to read the claimed trial.
    /// </remarks>
    public async Task<FrozenTrial?> ClaimWaitingTrialAsync(
        long studyId,
        DateTimeOffset startedAt,
        int? maxRunning = null,
        int? maxCounted = null,
        ImmutableDictionary<string, JsonElement>? systemAttributes = null,
        CancellationToken cancellationToken = default)
    {
        AttributeRows attributes = AttributeRows.System(systemAttributes);
        object?[] arguments =
        [
            studyId,
            PostgresValues.Time(startedAt),
            maxRunning is int limit ? limit : DBNull.Value,
            maxCounted is int budget ? budget : DBNull.Value,
            attributes.Scopes,
            attributes.Keys,
            attributes.Json,
            attributes.Worker ?? (object)DBNull.Value,
        ];

        // Not idempotent: a retry after an unknown commit would claim a second trial.
        object? claimed = await WriteOneStatementAsync(
            async (connection, token) =>
            {
                try
                {
                    return await connection.ScalarAsync(
                        "SELECT vernier_claim_trial($1, $2::timestamptz, $3::integer, $4::integer, $5::text[], $6::text[], $7::text[], $8::text)", token, arguments);
                }
                catch (PostgresException e) when (e.SqlState == "VN404")
                {
                    throw StudyNotFound(studyId);
                }
                catch (PostgresException e) when (e.SqlState == "VN410")
                {
                    throw new TrialBudgetExhaustedException(maxCounted!.Value);
                }
            },
            idempotent: false,
            cancellationToken);
        return claimed is long trialId ? await GetTrialAsync(trialId, cancellationToken) : null;
    }

    /// <inheritdoc />
    public async Task SetTrialParameterAsync(long trialId, string name, TrialParameter parameter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        string distribution = DistributionJson.Serialize(parameter.Distribution);

        // The usual case in one statement: the trial is unfinished and has no value for the name yet. Anything else takes the checking path below.
        if (await InsertNewParametersAsync(trialId, [name], [distribution], [parameter.InternalValue], cancellationToken) == 1)
        {
            return;
        }

        await SetParameterCheckingAsync(trialId, name, distribution, parameter, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One round trip when none of the parameters is set yet (a declared space's draws at the ask); otherwise each takes <see cref="SetTrialParameterAsync"/>'s checking path.</remarks>
    async Task IStorage.SetTrialParametersAsync(long trialId, IReadOnlyDictionary<string, TrialParameter> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            return;
        }

        string[] names = [.. parameters.Keys];
        string[] distributions = [.. names.Select(name => DistributionJson.Serialize(parameters[name].Distribution))];
        double[] values = [.. names.Select(name => parameters[name].InternalValue)];
        if (await InsertNewParametersAsync(trialId, names, distributions, values, cancellationToken) == names.Length)
        {
            return;
        }

        // Some were set already, or the trial is finished or unknown: the checking path tells which, and says why.
        for (int k = 0; k < names.Length; k++)
        {
            await SetParameterCheckingAsync(trialId, names[k], distributions[k], parameters[names[k]], cancellationToken);
        }
    }

    /// <summary>Sets a parameter after checking the trial: unknown, finished, or holding another value for the name each say so; the same value again is a no-op.</summary>
    private Task SetParameterCheckingAsync(long trialId, string name, string distribution, TrialParameter parameter, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, token) =>
            {
                int number = await RequireUnfinishedAsync(connection, trialId, $"set parameter '{name}'", token);
                int inserted = await connection.ExecuteAsync(
                    "INSERT INTO trial_params (trial_id, name, distribution, internal_value) VALUES ($1, $2, $3, $4) ON CONFLICT (trial_id, name) DO NOTHING",
                    token,
                    trialId,
                    name,
                    distribution,
                    parameter.InternalValue);
                if (inserted == 1)
                {
                    return;
                }

                await using NpgsqlCommand command = connection.Command(
                    "SELECT distribution, internal_value FROM trial_params WHERE trial_id = $1 AND name = $2", trialId, name);
                await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(token);
                if (await reader.ReadAsync(token))
                {
                    var existing = new TrialParameter(DistributionJson.Deserialize(reader.GetString(0)), reader.GetDouble(1));
                    if (existing != parameter)
                    {
                        throw new TrialStateException($"trial {number} already has parameter '{name}' = {CategoricalDistribution.FormatChoice(existing.Value)}.");
                    }
                }
            },
            idempotent: true,
            cancellationToken);

    /// <summary>
    /// Inserts the parameters the trial has no value for yet, in one statement, if the trial is unfinished (its row is
    /// locked against a concurrent finish until the statement commits); returns how many were inserted.
    /// </summary>
    private Task<int> InsertNewParametersAsync(long trialId, string[] names, string[] distributions, double[] values, CancellationToken cancellationToken) =>
        WriteOneStatementAsync(
            (connection, token) => connection.ExecuteAsync(
                """
                WITH t AS (SELECT trial_id FROM trials WHERE trial_id = $1 AND state IN ('running', 'waiting') FOR SHARE)
                INSERT INTO trial_params (trial_id, name, distribution, internal_value)
                SELECT t.trial_id, u.name, u.distribution, u.internal_value
                FROM t, unnest($2::text[], $3::text[], $4::float8[]) AS u (name, distribution, internal_value)
                ON CONFLICT (trial_id, name) DO NOTHING
                """,
                token,
                trialId,
                names,
                distributions,
                values),
            idempotent: true,
            cancellationToken);

    /// <inheritdoc />
    public Task SetTrialIntermediateValueAsync(long trialId, long step, double value, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async (connection, token) =>
            {
                await RequireUnfinishedAsync(connection, trialId, string.Create(CultureInfo.InvariantCulture, $"report step {step}"), token);
                await connection.ExecuteAsync(
                    """
                    INSERT INTO trial_intermediate_values (trial_id, step, value) VALUES ($1, $2, $3)
                    ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value
                    """,
                    token,
                    trialId,
                    step,
                    value);
            },
            idempotent: true,
            cancellationToken);

    /// <inheritdoc />
    public Task SetTrialAttributeAsync(long trialId, AttributeScope scope, string key, JsonElement value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ImmutableDictionary<string, JsonElement> one = ImmutableDictionary<string, JsonElement>.Empty.Add(key, value);
        AttributeRows attributes = scope == AttributeScope.User ? AttributeRows.Of(one, ImmutableDictionary<string, JsonElement>.Empty) : AttributeRows.System(one);
        return WriteAsync(
            async (connection, token) =>
            {
                try
                {
                    await UpsertAttributesAsync(connection, trialId, attributes, token);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
                {
                    throw new TrialNotFoundException(trialId);
                }
            },
            idempotent: true,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> FinishTrialAsync(long trialId, TrialOutcome outcome, CancellationToken cancellationToken = default)
    {
        StorageValidation.ValidateOutcome(outcome);
        double[] values = outcome.Values.IsDefault ? [] : [.. outcome.Values];
        AttributeRows attributes = AttributeRows.System(outcome.SystemAttributes);
        object?[]? retry = outcome.Retry is { } next ? CreateArguments(next) : null;

        // Not idempotent: a retry after an unknown commit would report false although this call finished the trial.
        return WriteAsync(
            async (connection, token) =>
            {
                // Only a Running trial changes; the row lock makes concurrent finishers (a worker and a stale-trial sweep) take turns.
                object? studyId = await connection.ScalarAsync(
                    "UPDATE trials SET state = $2, completed_at = $3, fail_reason = $4::text WHERE trial_id = $1 AND state = 'running' RETURNING study_id",
                    token,
                    trialId,
                    PostgresValues.State(outcome.State),
                    PostgresValues.Time(outcome.CompletedAt),
                    PostgresValues.Text(outcome.FailReason));
                if (studyId is not long study)
                {
                    // Nothing else is written either: the attributes and the retry belong to the finish that happened.
                    return await connection.ExistsAsync("SELECT 1 FROM trials WHERE trial_id = $1", token, trialId)
                        ? false
                        : throw new TrialNotFoundException(trialId);
                }

                await connection.ExecuteAsync("DELETE FROM trial_values WHERE trial_id = $1", token, trialId);
                if (values.Length > 0)
                {
                    await connection.ExecuteAsync(
                        "INSERT INTO trial_values (trial_id, objective, value) SELECT $1, u.ord - 1, u.value FROM unnest($2::float8[]) WITH ORDINALITY AS u (value, ord)",
                        token,
                        trialId,
                        values);
                }

                await UpsertAttributesAsync(connection, trialId, attributes, token);
                if (retry is not null)
                {
                    await InsertFollowUpAsync(connection, study, retry, token);
                }

                return true;
            },
            idempotent: false,
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One round trip for the usual finish (nothing else to write with it): the update, the values and the read of the
    /// finished trial are one statement. A finish that also writes attributes or a retry runs <see cref="FinishTrialAsync"/>, then reads.
    /// </remarks>
    async Task<(bool Finished, FrozenTrial Trial)> IStorage.FinishTrialAndReadAsync(long trialId, TrialOutcome outcome, CancellationToken cancellationToken)
    {
        StorageValidation.ValidateOutcome(outcome);
        if (outcome.Retry is not null || outcome.SystemAttributes is { IsEmpty: false })
        {
            bool finished = await FinishTrialAsync(trialId, outcome, cancellationToken);
            return (finished, await GetTrialAsync(trialId, cancellationToken));
        }

        double[] values = outcome.Values.IsDefault ? [] : [.. outcome.Values];

        // Not idempotent: a retry after an unknown commit would report false although this call finished the trial.
        List<FrozenTrial> changed = await WriteOneStatementAsync(
            (connection, token) => TrialReader.ReadAsync(
                connection,
                TrialReader.From(
                    """
                    WITH changed AS (
                        UPDATE trials SET state = $2, completed_at = $3, fail_reason = $4::text WHERE trial_id = $1 AND state = 'running'
                        RETURNING *),
                    written AS (
                        INSERT INTO trial_values (trial_id, objective, value)
                        SELECT c.trial_id, u.ord - 1, u.value FROM changed c, unnest($5::float8[]) WITH ORDINALITY AS u (value, ord)
                        ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value)
                    """),
                token,
                trialId,
                PostgresValues.State(outcome.State),
                PostgresValues.Time(outcome.CompletedAt),
                PostgresValues.Text(outcome.FailReason),
                values),
            idempotent: false,
            cancellationToken);

        // The statement read the child tables as they were before it: the values are the ones just written.
        return changed.SingleOrDefault() is { } trial
            ? (true, trial with { Values = [.. values] })
            : (false, await GetTrialAsync(trialId, cancellationToken));
    }

    /// <inheritdoc />
    public Task RecordHeartbeatAsync(long trialId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        DateTime time = PostgresValues.Time(at);

        // One statement, so no transaction around it: a round trip less for every beat.
        return WriteOneStatementAsync(
            async (connection, token) =>
            {
                if (await connection.ExecuteAsync("UPDATE trials SET heartbeat_at = $2 WHERE trial_id = $1", token, trialId, time) == 0)
                {
                    throw new TrialNotFoundException(trialId);
                }

                return true;
            },
            idempotent: true,
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FrozenTrial>> GetStaleTrialsAsync(long studyId, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        DateTime cutoff = PostgresValues.Time(before);
        return await ReadAsync(
            (connection, token) => ReadTrialsOfStudyAsync(
                connection,
                studyId,
                "t.study_id = $1 AND t.state = 'running' AND t.heartbeat_at < $2",
                token,
                studyId,
                cutoff),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<FrozenTrial> GetTrialAsync(long trialId, CancellationToken cancellationToken = default) =>
        (await ReadAsync((connection, token) => TrialReader.ReadAsync(connection, TrialReader.Where("t.trial_id = $1"), token, trialId), cancellationToken))
            .SingleOrDefault() ?? throw new TrialNotFoundException(trialId);

    /// <inheritdoc />
    public async Task<IReadOnlyList<FrozenTrial>> GetTrialsAsync(long studyId, IReadOnlyCollection<TrialState>? states = null, CancellationToken cancellationToken = default)
    {
        string[]? names = states?.Distinct().Select(PostgresValues.State).ToArray();
        return await ReadAsync(
            (connection, token) => names is null
                ? ReadTrialsOfStudyAsync(connection, studyId, "t.study_id = $1", token, studyId)
                : ReadTrialsOfStudyAsync(connection, studyId, "t.study_id = $1 AND t.state = ANY ($2::text[])", token, studyId, names),
            cancellationToken);
    }

    /// <summary>The trials of a study matching a condition; when there are none, checks that the study exists.</summary>
    private static async Task<IReadOnlyList<FrozenTrial>> ReadTrialsOfStudyAsync(
        NpgsqlConnection connection, long studyId, string condition, CancellationToken cancellationToken, params object?[] parameters)
    {
        List<FrozenTrial> trials = await TrialReader.ReadAsync(connection, TrialReader.Where(condition), cancellationToken, parameters);
        if (trials.Count == 0)
        {
            await RequireStudyAsync(connection, studyId, cancellationToken);
        }

        return trials;
    }

    /// <summary>Copies of the values that do not depend on the caller's <see cref="JsonDocument"/>, which it may dispose.</summary>
    private static ImmutableDictionary<string, JsonElement> Detached(ImmutableDictionary<string, JsonElement> attributes) =>
        attributes.IsEmpty ? attributes : attributes.ToImmutableDictionary(a => a.Key, a => a.Value.Clone());

    /// <summary>The trial's number, after checking it exists and has not finished; locks the row against a concurrent finish until the commit.</summary>
    private static async Task<int> RequireUnfinishedAsync(NpgsqlConnection connection, long trialId, string action, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = connection.Command("SELECT number, state FROM trials WHERE trial_id = $1 FOR SHARE", trialId);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new TrialNotFoundException(trialId);
        }

        int number = reader.GetInt32(0);
        TrialState state = PostgresValues.ReadState(reader, 1);
        return state.IsFinished() ? throw new TrialStateException($"cannot {action} on trial {number}: it is already {state.ToWireName()}.") : number;
    }
}
