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

    /// <summary>Trials 0..values.Length-1, each having reached one step with one value.</summary>
    public static IEnumerable<FrozenTrial> AtStep(long step, params double[] values) =>
        values.Select((v, i) => Running(i, (0, 100.0), (step, v)));
}
