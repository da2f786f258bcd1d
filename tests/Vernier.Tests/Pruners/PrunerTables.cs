using System.Collections.Immutable;
using Vernier.Pruners;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Pruners;

/// <summary>Hand-made trials with intermediate-value tables.</summary>
internal static class PrunerTables
{
    public static FrozenTrial Trial(int number, TrialState state, params (long Step, double Value)[] values) => new()
    {
        TrialId = number + 100,
        Number = number,
        State = state,
        IntermediateValues = values.ToImmutableSortedDictionary(v => v.Step, v => v.Value),
    };

    public static FrozenTrial Running(int number, params (long Step, double Value)[] values) => Trial(number, TrialState.Running, values);

    public static PrunerContext Context(FrozenTrial trial, IEnumerable<FrozenTrial> history, StudyDirection direction = StudyDirection.Minimize) =>
        new([direction], trial, [.. history]);

    /// <summary>A trial whose value at step s is <paramref name="valuesByStep"/>[s]; a complete one has its last value as its value.</summary>
    public static FrozenTrial Curve(int number, TrialState state, params double[] valuesByStep) => new()
    {
        TrialId = number + 100,
        Number = number,
        State = state,
        Values = state == TrialState.Complete ? [valuesByStep[^1]] : [],
        IntermediateValues = valuesByStep.Select((v, step) => KeyValuePair.Create((long)step, v)).ToImmutableSortedDictionary(),
    };

    /// <summary>Five completed trials whose values at step s are 10 + k − s (k = 0…4): the median at step s is 12 − s.</summary>
    public static FrozenTrial[] FiveCompleted =>
        [.. Enumerable.Range(0, 5).Select(k => Curve(k, TrialState.Complete, [.. Enumerable.Range(0, 4).Select(s => 10.0 + k - s)]))];

    /// <summary>Trials 0..values.Length-1, each having reached one step with one value.</summary>
    public static IEnumerable<FrozenTrial> AtStep(long step, params double[] values) =>
        values.Select((v, i) => Running(i, (0, 100.0), (step, v)));
}
