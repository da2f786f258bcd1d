using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Server.Studies;

/// <summary>Maps studies and <see cref="FrozenTrial"/> snapshots to the API's DTOs.</summary>
internal static class StudyMapper
{
    /// <summary>The study system attribute holding a study file stored with the study (by <c>vernier create-study</c>).</summary>
    public const string DefinitionAttribute = "study_definition";

    private static readonly TrialState[] AllStates = Enum.GetValues<TrialState>();

    public static IReadOnlyList<string> Directions(StudyRecord study) => [.. study.Directions.Select(d => d.ToWireName())];

    public static StudySummary Summary(StudyRecord study, IReadOnlyList<FrozenTrial> trials, IReadOnlyList<FrozenTrial> best)
    {
        var counts = AllStates.ToDictionary(s => s.ToWireName(), _ => 0);
        DateTimeOffset last = study.CreatedAt;
        foreach (FrozenTrial trial in trials)
        {
            counts[trial.State.ToWireName()]++;
            if (trial.CompletedAt is { } completed && completed > last)
            {
                last = completed;
            }

            if (trial.StartedAt is { } started && started > last)
            {
                last = started;
            }
        }

        bool single = study.Directions.Length == 1;
        FrozenTrial? top = single && best.Count > 0 ? best[0] : null;
        return new StudySummary(
            study.Name,
            study.StudyId,
            Directions(study),
            counts,
            top is null ? null : Finite(top.Values[0]),
            top?.Number,
            single ? null : best.Count,
            study.CreatedAt,
            last);
    }

    public static StudyDetail Detail(StudyRecord study, IReadOnlyList<FrozenTrial> trials, IReadOnlyList<FrozenTrial> best)
    {
        StudySummary s = Summary(study, trials, best);
        JsonElement? definition = study.SystemAttributes.TryGetValue(DefinitionAttribute, out JsonElement stored) ? stored : null;
        return new StudyDetail(
            s.Name, s.Id, s.Directions, s.TrialCounts, s.BestValue, s.BestTrialNumber, s.ParetoFrontSize, s.CreatedAt, s.LastActivity,
            study.UserAttributes, definition);
    }

    public static TrialSummary Summary(FrozenTrial trial) => new(
        trial.Number,
        trial.State.ToWireName(),
        Values(trial.Values),
        Params(trial.Parameters),
        trial.UserAttributes,
        trial.StartedAt,
        trial.CompletedAt,
        trial.Duration?.TotalSeconds,
        trial.FailReason,
        trial.LastIntermediateValue is { } last ? new IntermediateValue(last.Key, Finite(last.Value)) : null);

    public static TrialDetail Detail(FrozenTrial trial)
    {
        TrialSummary s = Summary(trial);
        return new TrialDetail(
            s.Number, s.State, s.Values, s.Params, s.UserAttributes, s.StartedAt, s.CompletedAt, s.DurationSeconds, s.FailReason, s.LastIntermediateValue,
            [.. trial.IntermediateValues.Select(p => new IntermediateValue(p.Key, Finite(p.Value)))],
            trial.Parameters.ToImmutableSortedDictionary(p => p.Key, p => DistributionJson.ToNode(p.Value.Distribution), StringComparer.Ordinal),
            trial.SystemAttributes);
    }

    public static IReadOnlyDictionary<string, JsonNode?> Params(IReadOnlyDictionary<string, TrialParameter> parameters) =>
        parameters.ToImmutableSortedDictionary(p => p.Key, p => DistributionJson.ValueToNode(p.Value.Value), StringComparer.Ordinal);

    private static IReadOnlyList<double?> Values(ImmutableArray<double> values) => [.. values.Select(Finite)];

    /// <summary>JSON has no NaN or infinity: such values are written as null.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
