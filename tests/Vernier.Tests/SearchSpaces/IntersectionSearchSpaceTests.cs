using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.SearchSpaces;
using Vernier.Trials;

namespace Vernier.Tests.SearchSpaces;

public class IntersectionSearchSpaceTests
{
    private static readonly FloatDistribution X = new(0, 1);
    private static readonly IntDistribution N = new(1, 9);

    [Fact]
    public void Compute_KeepsOnlyParametersEveryFinishedTrialSharesWithTheSameDistribution()
    {
        FrozenTrial[] trials =
        [
            Trial(0, TrialState.Complete, ("x", X, 0.5), ("n", N, 3), ("only0", X, 0.1)),
            Trial(1, TrialState.Complete, ("x", X, 0.2), ("n", new IntDistribution(1, 5), 3)),
            Trial(2, TrialState.Running, ("y", X, 0.3)),
            Trial(3, TrialState.Pruned, ("z", X, 0.3)),
        ];
        IntersectionSearchSpace.Compute(trials).Keys.ShouldBe(["x"]);
        IntersectionSearchSpace.Compute(trials, includePruned: true).ShouldBeEmpty();
    }

    [Fact]
    public void Compute_RemovingSeveralParametersInAnyOrder_KeepsExactlyTheSharedOnes()
    {
        FrozenTrial[] trials =
        [
            Trial(0, TrialState.Complete, ("a", X, 0.1), ("b", X, 0.1), ("c", X, 0.1), ("d", X, 0.1), ("e", X, 0.1)),
            Trial(1, TrialState.Complete, ("e", X, 0.1), ("c", X, 0.1), ("a", X, 0.1)),
            Trial(2, TrialState.Complete, ("a", X, 0.1), ("c", new FloatDistribution(0, 1), 0.1), ("e", X, 0.1), ("z", X, 0.3)),
            Trial(3, TrialState.Complete, ("c", X, 0.1), ("e", X, 0.1)),
        ];
        IntersectionSearchSpace.Compute(trials).Keys.ShouldBe(["c", "e"]);
        IntersectionSearchSpace.Compute(trials.Take(3)).Keys.ShouldBe(["a", "c", "e"]);
    }

    [Fact]
    public void Compute_OrdersByNameAndLeavesOutSingleValues()
    {
        FrozenTrial[] trials = [Trial(0, TrialState.Complete, ("b", X, 0.5), ("a", N, 3), ("fixed", new FloatDistribution(2, 2), 2))];
        IntersectionSearchSpace.Compute(trials).Keys.ShouldBe(["a", "b"]);
        IntersectionSearchSpace.Compute([]).ShouldBeEmpty();
    }

    private static FrozenTrial Trial(int number, TrialState state, params (string Name, ParameterDistribution Distribution, double Value)[] parameters) => new()
    {
        TrialId = number,
        Number = number,
        State = state,
        Parameters = parameters.ToImmutableDictionary(p => p.Name, p => new TrialParameter(p.Distribution, p.Value)),
    };
}
