using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using Vernier.Distributions;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Storage.Postgres;

/// <summary>
/// Reads trials in bulk with one statement, however many trials: each trial row carries its values,
/// parameters, intermediate values and attributes as arrays (one <c>array_agg</c> per child table).
/// One statement sees one snapshot, so a trial is never read half-written, and a sampler's read of
/// a whole study's history is one round trip.
/// </summary>
internal static class TrialReader
{
    // Distributions are immutable and a study uses a few: each distinct JSON text is parsed once per process, not once per
    // read (a finished trial is read back on every tell). Bounded, since a process may open many studies in its life.
    private const int MaxKnownDistributions = 4096;
    private static readonly ConcurrentDictionary<string, ParameterDistribution> KnownDistributions = new(StringComparer.Ordinal);

    private const string Columns = """
        t.trial_id, t.number, t.state, t.started_at, t.completed_at, t.fail_reason,
        v.vals, p.names, p.dists, p.internals, i.steps, i.ivals, a.scopes, a.keys, a.jsons, t.worker_json
        """;

    private const string Children = """
        LEFT JOIN LATERAL (SELECT array_agg(c.value ORDER BY c.objective) AS vals FROM trial_values c WHERE c.trial_id = t.trial_id) v ON TRUE
        LEFT JOIN LATERAL (SELECT array_agg(c.name ORDER BY c.name) AS names, array_agg(c.distribution ORDER BY c.name) AS dists,
                                  array_agg(c.internal_value ORDER BY c.name) AS internals
                           FROM trial_params c WHERE c.trial_id = t.trial_id) p ON TRUE
        LEFT JOIN LATERAL (SELECT array_agg(c.step ORDER BY c.step) AS steps, array_agg(c.value ORDER BY c.step) AS ivals
                           FROM trial_intermediate_values c WHERE c.trial_id = t.trial_id) i ON TRUE
        LEFT JOIN LATERAL (SELECT array_agg(c.scope ORDER BY c.scope, c.key) AS scopes, array_agg(c.key ORDER BY c.scope, c.key) AS keys,
                                  array_agg(c.value_json ORDER BY c.scope, c.key) AS jsons
                           FROM trial_attributes c WHERE c.trial_id = t.trial_id) a ON TRUE
        """;

    /// <summary>A query for the trials of <c>trials</c> (aliased <c>t</c>) matching <paramref name="condition"/>, in number order.</summary>
    public static string Where(string condition) => $"SELECT {Columns} FROM trials t {Children} WHERE {condition} ORDER BY t.number";

    /// <summary>
    /// A query that first runs <paramref name="cte"/> (a <c>WITH</c> clause defining a relation <c>changed</c>
    /// with the columns of <c>trials</c>, e.g. an <c>UPDATE … RETURNING *</c>), then reads those trials.
    /// </summary>
    public static string From(string cte) => $"{cte} SELECT {Columns} FROM changed t {Children} ORDER BY t.number";

    /// <summary>Runs a query built by <see cref="Where"/> or <see cref="From"/>.</summary>
    public static async Task<List<FrozenTrial>> ReadAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using NpgsqlCommand command = connection.Command(sql, parameters);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken);
        var trials = new List<FrozenTrial>();
        while (await reader.ReadAsync(cancellationToken))
        {
            trials.Add(ReadRow(reader));
        }

        return trials;
    }

    private static FrozenTrial ReadRow(NpgsqlDataReader reader)
    {
        string[] names = PostgresValues.ReadArray<string>(reader, 7);
        string[] dists = PostgresValues.ReadArray<string>(reader, 8);
        double[] internals = PostgresValues.ReadArray<double>(reader, 9);
        ImmutableDictionary<string, TrialParameter> parameters = ImmutableDictionary<string, TrialParameter>.Empty;
        if (names.Length > 0)
        {
            ImmutableDictionary<string, TrialParameter>.Builder builder = ImmutableDictionary.CreateBuilder<string, TrialParameter>();
            for (int k = 0; k < names.Length; k++)
            {
                builder.Add(names[k], new TrialParameter(Distribution(dists[k]), internals[k]));
            }

            parameters = builder.ToImmutable();
        }

        long[] steps = PostgresValues.ReadArray<long>(reader, 10);
        double[] stepValues = PostgresValues.ReadArray<double>(reader, 11);
        ImmutableSortedDictionary<long, double> intermediate = ImmutableSortedDictionary<long, double>.Empty;
        if (steps.Length > 0)
        {
            ImmutableSortedDictionary<long, double>.Builder builder = ImmutableSortedDictionary.CreateBuilder<long, double>();
            for (int k = 0; k < steps.Length; k++)
            {
                builder.Add(steps[k], stepValues[k]);
            }

            intermediate = builder.ToImmutable();
        }

        (ImmutableDictionary<string, JsonElement> user, ImmutableDictionary<string, JsonElement> system) = PostgresValues.ReadAttributes(reader, 12);
        if (PostgresValues.ReadOptionalText(reader, 15) is { } worker)
        {
            // Stored in its own column (schema version 4), read as the attribute it is.
            system = system.SetItem(SystemAttributes.Worker, PostgresValues.ReadJson(worker));
        }

        return new FrozenTrial
        {
            TrialId = reader.GetInt64(0),
            Number = reader.GetInt32(1),
            State = PostgresValues.ReadState(reader, 2),
            StartedAt = PostgresValues.ReadOptionalTime(reader, 3),
            CompletedAt = PostgresValues.ReadOptionalTime(reader, 4),
            FailReason = PostgresValues.ReadOptionalText(reader, 5),
            Values = [.. PostgresValues.ReadArray<double>(reader, 6)],
            Parameters = parameters,
            IntermediateValues = intermediate,
            UserAttributes = user,
            SystemAttributes = system,
        };
    }

    private static ParameterDistribution Distribution(string json)
    {
        if (KnownDistributions.TryGetValue(json, out ParameterDistribution? known))
        {
            return known;
        }

        ParameterDistribution parsed = DistributionJson.Deserialize(json);
        if (KnownDistributions.Count >= MaxKnownDistributions)
        {
            KnownDistributions.Clear();
        }

        KnownDistributions.TryAdd(json, parsed);
        return parsed;
    }
}
