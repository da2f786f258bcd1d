using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vernier.Distributions;
using Vernier.Trials;

namespace Vernier.Storage.Sqlite;

/// <summary>
/// Reads trials in bulk: one query per table for all the trials a condition selects (five in all,
/// however many trials), since samplers read a study's whole history on every ask.
/// </summary>
internal static class TrialReader
{
    /// <summary>The trials matching <paramref name="condition"/>, in number order.</summary>
    /// <param name="connection">An open connection; call inside a transaction so that all five queries see one snapshot.</param>
    /// <param name="condition">A SQL condition on the <c>trials</c> table, aliased <c>t</c>.</param>
    /// <param name="parameters">The condition's parameters.</param>
    public static List<FrozenTrial> Read(SqliteConnection connection, string condition, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var rows = new List<Row>();
        var byId = new Dictionary<long, Row>();
        using (SqliteCommand command = connection.Command(
            $"SELECT t.trial_id, t.number, t.state, t.started_at, t.completed_at, t.fail_reason FROM trials t WHERE {condition} ORDER BY t.number",
            parameters))
        using (SqliteDataReader reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var row = new Row
                {
                    TrialId = reader.GetInt64(0),
                    Number = reader.GetInt32(1),
                    State = SqliteValues.ReadState(reader, 2),
                    StartedAt = SqliteValues.ReadOptionalTime(reader, 3),
                    CompletedAt = SqliteValues.ReadOptionalTime(reader, 4),
                    FailReason = SqliteValues.ReadOptionalText(reader, 5),
                };
                rows.Add(row);
                byId.Add(row.TrialId, row);
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        ReadChildren(connection, "SELECT c.trial_id, c.value FROM trial_values c", condition, "c.trial_id, c.objective", parameters, reader =>
        {
            Row row = byId[reader.GetInt64(0)];
            (row.Values ??= ImmutableArray.CreateBuilder<double>()).Add(SqliteValues.ReadReal(reader, 1));
        });

        // Many trials share a distribution: parse each distinct JSON text once.
        var distributions = new Dictionary<string, ParameterDistribution>(StringComparer.Ordinal);
        ReadChildren(connection, "SELECT c.trial_id, c.name, c.distribution, c.internal_value FROM trial_params c", condition, null, parameters, reader =>
        {
            Row row = byId[reader.GetInt64(0)];
            string json = reader.GetString(2);
            if (!distributions.TryGetValue(json, out ParameterDistribution? distribution))
            {
                distribution = DistributionJson.Deserialize(json);
                distributions.Add(json, distribution);
            }

            (row.Parameters ??= ImmutableDictionary.CreateBuilder<string, TrialParameter>()).Add(reader.GetString(1), new TrialParameter(distribution, reader.GetDouble(3)));
        });

        ReadChildren(connection, "SELECT c.trial_id, c.step, c.value FROM trial_intermediate_values c", condition, null, parameters, reader =>
        {
            Row row = byId[reader.GetInt64(0)];
            (row.IntermediateValues ??= ImmutableSortedDictionary.CreateBuilder<long, double>()).Add(reader.GetInt64(1), SqliteValues.ReadReal(reader, 2));
        });

        ReadChildren(connection, "SELECT c.trial_id, c.scope, c.key, c.value_json FROM trial_attributes c", condition, null, parameters, reader =>
        {
            Row row = byId[reader.GetInt64(0)];
            ImmutableDictionary<string, JsonElement>.Builder attributes = SqliteValues.IsUserScope(reader, 1)
                ? row.UserAttributes ??= ImmutableDictionary.CreateBuilder<string, JsonElement>()
                : row.SystemAttributes ??= ImmutableDictionary.CreateBuilder<string, JsonElement>();
            attributes.Add(reader.GetString(2), SqliteValues.ReadJson(reader, 3));
        });

        return rows.ConvertAll(row => row.ToTrial());
    }

    private static void ReadChildren(
        SqliteConnection connection,
        string select,
        string condition,
        string? orderBy,
        ReadOnlySpan<(string Name, object? Value)> parameters,
        Action<SqliteDataReader> read)
    {
        string sql = $"{select} JOIN trials t ON t.trial_id = c.trial_id WHERE {condition}" + (orderBy is null ? "" : $" ORDER BY {orderBy}");
        using SqliteCommand command = connection.Command(sql, parameters);
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            read(reader);
        }
    }

    /// <summary>A trial being assembled; the collections stay null while the trial has none.</summary>
    private sealed class Row
    {
        public long TrialId { get; init; }

        public int Number { get; init; }

        public TrialState State { get; init; }

        public DateTimeOffset? StartedAt { get; init; }

        public DateTimeOffset? CompletedAt { get; init; }

        public string? FailReason { get; init; }

        public ImmutableArray<double>.Builder? Values { get; set; }

        public ImmutableDictionary<string, TrialParameter>.Builder? Parameters { get; set; }

        public ImmutableSortedDictionary<long, double>.Builder? IntermediateValues { get; set; }

        public ImmutableDictionary<string, JsonElement>.Builder? UserAttributes { get; set; }

        public ImmutableDictionary<string, JsonElement>.Builder? SystemAttributes { get; set; }

        public FrozenTrial ToTrial() => new()
        {
            TrialId = TrialId,
            Number = Number,
            State = State,
            Values = Values?.DrainToImmutable() ?? [],
            Parameters = Parameters?.ToImmutable() ?? ImmutableDictionary<string, TrialParameter>.Empty,
            IntermediateValues = IntermediateValues?.ToImmutable() ?? ImmutableSortedDictionary<long, double>.Empty,
            UserAttributes = UserAttributes?.ToImmutable() ?? ImmutableDictionary<string, JsonElement>.Empty,
            SystemAttributes = SystemAttributes?.ToImmutable() ?? ImmutableDictionary<string, JsonElement>.Empty,
            StartedAt = StartedAt,
            CompletedAt = CompletedAt,
            FailReason = FailReason,
        };
    }
}
