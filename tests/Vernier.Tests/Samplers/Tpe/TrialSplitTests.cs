using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Samplers.Tpe;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.Tpe;

public class TrialSplitTests
{
    private static FrozenTrial Trial(int number, TrialState state, double[]? values = null, double[]? constraints = null, (long Step, double Value)? last = null)
    {
        var trial = new FrozenTrial { TrialId = number, Number = number, State = state, Values = values is null ? [] : [.. values] };
        if (constraints is not null)
        {
            trial = trial with
            {
                SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty.Add(SystemAttributes.Constraints, JsonSerializer.SerializeToElement(constraints)),
            };
        }

        if (last is { } l)
        {
            trial = trial with { IntermediateValues = ImmutableSortedDictionary<long, double>.Empty.Add(l.Step, l.Value) };
        }

        return trial;
    }

    private static int[] Numbers(List<FrozenTrial> trials) => [.. trials.Select(t => t.Number)];

    [Fact]
    public void Split_SingleObjective_TakesTheBestBelowInNumberOrder()
    {
        FrozenTrial[] history = [.. new[] { 5.0, 1, 4, 2, 3 }.Select((v, i) => Trial(i, TrialState.Complete, [v]))];
        var (below, above) = TrialSplit.Split(history, [StudyDirection.Minimize], constantLiar: true, _ => 2);
        Numbers(below).ShouldBe([1, 3]);
        Numbers(above).ShouldBe([0, 2, 4]);

        var (maxBelow, _) = TrialSplit.Split(history, [StudyDirection.Maximize], constantLiar: true, _ => 2);
        Numbers(maxBelow).ShouldBe([0, 2]);
    }

    [Fact]
    public void Split_RunningFailedPrunedInfeasible_RankedAsDocumented()
    {
        FrozenTrial[] history =
        [
            Trial(0, TrialState.Complete, [10], constraints: [0.5]),
            Trial(1, TrialState.Running),
            Trial(2, TrialState.Failed),
            Trial(3, TrialState.Pruned, last: (5, 1.0)),
            Trial(4, TrialState.Pruned, last: (9, 7.0)),
            Trial(5, TrialState.Complete, [9]),
            Trial(6, TrialState.Complete, [-1], constraints: [3.0]),
        ];

        // Order: 5 (feasible complete), 4 (pruned later), 3, 0 (violation 0.5), 6 (violation 3); running always above; failed ignored.
        Numbers(TrialSplit.Split(history, [StudyDirection.Minimize], true, _ => 2).Below).ShouldBe([4, 5]);
        Numbers(TrialSplit.Split(history, [StudyDirection.Minimize], true, _ => 4).Below).ShouldBe([0, 3, 4, 5]);
        var (below, above) = TrialSplit.Split(history, [StudyDirection.Minimize], true, _ => 100);
        Numbers(below).ShouldBe([0, 3, 4, 5, 6]);
        Numbers(above).ShouldBe([1]);
        Numbers(TrialSplit.Split(history, [StudyDirection.Minimize], false, _ => 1).Above).ShouldBe([0, 3, 4, 6]);
    }

    [Fact]
    public void Split_MultiObjective_TakesTheParetoFrontFirst()
    {
        FrozenTrial[] history =
        [
            Trial(0, TrialState.Complete, [1, 5]),
            Trial(1, TrialState.Complete, [2, 6]),
            Trial(2, TrialState.Complete, [5, 1]),
            Trial(3, TrialState.Complete, [3, 3]),
            Trial(4, TrialState.Complete, [4, 4]),
            Trial(5, TrialState.Complete, [6, 6]),
        ];
        StudyDirection[] directions = [StudyDirection.Minimize, StudyDirection.Minimize];

        Numbers(TrialSplit.Split(history, directions, true, _ => 3).Below).ShouldBe([0, 2, 3]);
        // Front {0, 2, 3}, then {1, 4}: of the second front, crowding keeps both ends (each infinite), tie by number.
        Numbers(TrialSplit.Split(history, directions, true, _ => 4).Below).ShouldBe([0, 1, 2, 3]);
    }
}
