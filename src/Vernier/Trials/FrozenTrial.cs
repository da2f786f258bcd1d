using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;

namespace Vernier.Trials;

/// <summary>
/// An immutable snapshot of a trial, as stored. Samplers, pruners, storages, the CLI and the
/// service all work with this type; objective code works with the live <c>Trial</c>.
/// </summary>
public sealed record FrozenTrial
{
    /// <summary>The storage's identifier, unique across studies.</summary>
    public required long TrialId { get; init; }

    /// <summary>The trial's number within its study: 0, 1, 2, … dense and unique.</summary>
    public required int Number { get; init; }

    /// <summary>The lifecycle state.</summary>
    public required TrialState State { get; init; }

    /// <summary>The objective values (one per direction) when <see cref="TrialState.Complete"/>; otherwise empty.</summary>
    public ImmutableArray<double> Values { get; init; } = [];

    /// <summary>The parameters, in the order they were suggested.</summary>
    public ImmutableDictionary<string, TrialParameter> Parameters { get; init; } = ImmutableDictionary<string, TrialParameter>.Empty;

    /// <summary>Intermediate values reported by step, for pruning and learning curves.</summary>
    public ImmutableSortedDictionary<long, double> IntermediateValues { get; init; } = ImmutableSortedDictionary<long, double>.Empty;

    /// <summary>Attributes set by user code (JSON values).</summary>
    public ImmutableDictionary<string, JsonElement> UserAttributes { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>Attributes set by Vernier itself: samplers' state, enqueued parameters, retry links, worker identity.</summary>
    public ImmutableDictionary<string, JsonElement> SystemAttributes { get; init; } = ImmutableDictionary<string, JsonElement>.Empty;

    /// <summary>When the trial started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the trial finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Why the trial failed, in words a user can act on; null unless <see cref="TrialState.Failed"/>.</summary>
    public string? FailReason { get; init; }

    /// <summary>The single objective value of a one-direction study, or null when not complete.</summary>
    /// <exception cref="InvalidOperationException">The study has several objectives.</exception>
    public double? Value => Values.Length switch
    {
        0 => null,
        1 => Values[0],
        _ => throw new InvalidOperationException("this trial has several objective values; read Values instead."),
    };

    /// <summary>The parameters as users see them (double, long, or the categorical choice).</summary>
    public IReadOnlyDictionary<string, object?> Params => Parameters.ToDictionary(p => p.Key, p => p.Value.Value);

    /// <summary>The distribution of each parameter.</summary>
    public IReadOnlyDictionary<string, ParameterDistribution> Distributions => Parameters.ToDictionary(p => p.Key, p => p.Value.Distribution);

    /// <summary>How long the trial ran, when it has finished.</summary>
    public TimeSpan? Duration => StartedAt is { } s && CompletedAt is { } c ? c - s : null;

    /// <summary>The last reported intermediate value and its step, if any.</summary>
    public KeyValuePair<long, double>? LastIntermediateValue =>
        IntermediateValues.IsEmpty ? null : IntermediateValues.Last();

    /// <summary>
    /// The outcome constraint values the objective reported with <c>Trial.ReportConstraints</c>
    /// (feasible when every one is ≤ 0); empty when it reported none.
    /// </summary>
    public ImmutableArray<double> Constraints
    {
        get
        {
            if (!SystemAttributes.TryGetValue(Studies.SystemAttributes.Constraints, out JsonElement element) || element.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var values = ImmutableArray.CreateBuilder<double>(element.GetArrayLength());
            foreach (JsonElement item in element.EnumerateArray())
            {
                values.Add(item.ValueKind == JsonValueKind.Number ? item.GetDouble() : double.NaN);
            }

            return values.MoveToImmutable();
        }
    }

    /// <summary>True when the trial reported no constraints or every constraint value is ≤ 0 (NaN counts as violated).</summary>
    public bool IsFeasible => Constraints.All(c => c <= 0);

    /// <summary>How far the trial is from feasible: the sum of the positive constraint values (NaN counts as infinitely far).</summary>
    public double ConstraintViolation => Constraints.Sum(c => double.IsNaN(c) ? double.PositiveInfinity : Math.Max(c, 0));
}
