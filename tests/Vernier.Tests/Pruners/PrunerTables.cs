using System.Collections.Immutable;
using Vernier.Pruners;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Pruners;

/// <summary>Hand-made studies for pruner decisions: trials given as their intermediate values by step.</summary>
internal static class PrunerTables
{
    public static FrozenTrial Trial(int number, TrialState state, params double[] valuesByStep) => new()
    {
        TrialId = number,
        Number = number,
        State = state,
        Values = state == TrialState.Complete ? [valuesByStep[^1]] : [],
        IntermediateValues = valuesByStep.Select((v, step) => KeyValuePair.Create((long)step, v)).ToImmutableSortedDictionary(),
    };

    public static PrunerContext Context(FrozenTrial running, IEnumerable<FrozenTrial> history, StudyDirection direction = StudyDirection.Minimize) =>
        new([direction], running, [.. history]);

    /// <summary>Five completed trials whose values at step s are 10 + k·1 − s (k = 0…4): the median at step s is 12 − s.</summary>
    public static FrozenTrial[] FiveCompleted =>
        [.. Enumerable.Range(0, 5).Select(k => Trial(k, TrialState.Complete, [.. Enumerable.Range(0, 4).Select(s => 10.0 + k - s)]))];
}
