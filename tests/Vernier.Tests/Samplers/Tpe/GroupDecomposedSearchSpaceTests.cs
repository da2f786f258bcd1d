using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Samplers.Tpe;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.Tpe;

public class GroupDecomposedSearchSpaceTests
{
    private static readonly FloatDistribution Unit = new(0, 1);

    private static FrozenTrial Trial(int number, TrialState state, params string[] names) => new()
    {
        TrialId = number,
        Number = number,
        State = state,
        Parameters = names.ToImmutableDictionary(n => n, _ => new TrialParameter(Unit, 0.5)),
    };

    private static string[] Describe(IEnumerable<ImmutableSortedDictionary<string, ParameterDistribution>> groups) =>
        [.. groups.Select(g => string.Join(",", g.Keys))];

    [Fact]
    public void Compute_ConditionalBranches_BecomeTheirOwnGroups()
    {
        FrozenTrial[] history =
        [
            Trial(0, TrialState.Complete, "opt", "sgd_lr", "sgd_momentum"),
            Trial(1, TrialState.Complete, "opt", "adam_lr", "adam_beta"),
            Trial(2, TrialState.Pruned, "opt", "sgd_lr", "sgd_momentum"),
            Trial(3, TrialState.Running, "opt", "other"),
            Trial(4, TrialState.Failed, "opt", "broken"),
        ];

        Describe(GroupDecomposedSearchSpace.Compute(history)).ShouldBe(["adam_beta,adam_lr", "opt", "sgd_lr,sgd_momentum"]);
    }

    [Fact]
    public void Compute_PartlyOverlappingSets_SplitIntoParametersThatAlwaysCoOccur()
    {
        FrozenTrial[] history =
        [
            Trial(0, TrialState.Complete, "a", "b", "c"),
            Trial(1, TrialState.Complete, "a", "b"),
            Trial(2, TrialState.Complete, "a", "b"),
            Trial(3, TrialState.Complete, "a", "d"),
        ];

        Describe(GroupDecomposedSearchSpace.Compute(history)).ShouldBe(["a", "b", "c", "d"]);
        Describe(GroupDecomposedSearchSpace.Compute(history[..3])).ShouldBe(["a,b", "c"]);
    }
}
