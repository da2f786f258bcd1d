using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Studies;

public class ParetoFrontTests
{
    private static readonly StudyDirection[] MinMin = [StudyDirection.Minimize, StudyDirection.Minimize];

    [Fact]
    public void NondominatedFronts_SplitsPointsIntoLayers()
    {
        FrozenTrial[] trials =
        [
            Trial(0, 1, 5), Trial(1, 2, 2), Trial(2, 5, 1), // front 0
            Trial(3, 3, 3), Trial(4, 2, 6),                  // front 1
            Trial(5, 4, 4),                                  // front 2
            Trial(6, 6, 6),                                  // front 3
        ];
        List<List<int>> fronts = ParetoFront.NondominatedFronts(trials, MinMin);
        fronts.Select(f => f.ToArray()).ToArray().ShouldBe([[0, 1, 2], [3, 4], [5], [6]]);
    }

    [Fact]
    public void NondominatedFronts_RespectsDirections()
    {
        FrozenTrial[] trials = [Trial(0, 1, 1), Trial(1, 2, 2)];
        ParetoFront.NondominatedFronts(trials, [StudyDirection.Maximize, StudyDirection.Maximize])[0].ShouldBe([1]);
        ParetoFront.NondominatedFronts(trials, [StudyDirection.Minimize, StudyDirection.Maximize])[0].ShouldBe([0, 1]);
    }

    [Fact]
    public void NondominatedFronts_FeasibleBeforeInfeasible_InfeasibleByViolation()
    {
        FrozenTrial[] trials =
        [
            Trial(0, 0, 0, constraints: [2.0]),      // best values, badly infeasible
            Trial(1, 9, 9),                          // feasible, poor
            Trial(2, 1, 1, constraints: [0.5, -1]),  // slightly infeasible
            Trial(3, 1, 1, constraints: [-3.0]),     // feasible
        ];
        List<List<int>> fronts = ParetoFront.NondominatedFronts(trials, MinMin);
        fronts.Select(f => f.ToArray()).ToArray().ShouldBe([[3], [1], [2], [0]]);
    }

    [Fact]
    public void NondominatedFronts_EqualPointsShareAFront()
    {
        FrozenTrial[] trials = [Trial(0, 1, 1), Trial(1, 1, 1), Trial(2, 2, 2)];
        ParetoFront.NondominatedFronts(trials, MinMin)[0].ShouldBe([0, 1]);
    }

    internal static FrozenTrial Trial(int number, double f1, double f2, double[]? constraints = null) => new()
    {
        TrialId = number,
        Number = number,
        State = TrialState.Complete,
        Values = [f1, f2],
        SystemAttributes = constraints is null
            ? ImmutableDictionary<string, JsonElement>.Empty
            : ImmutableDictionary<string, JsonElement>.Empty.Add(SystemAttributes.Constraints, JsonSerializer.SerializeToElement(constraints)),
    };
}
