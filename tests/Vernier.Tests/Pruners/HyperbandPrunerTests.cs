using Vernier.Pruners;
using Vernier.Trials;
using static Vernier.Tests.Pruners.PrunerTables;

namespace Vernier.Tests.Pruners;

public class HyperbandPrunerTests
{
    private static readonly HyperbandPruner Max9 = new(new HyperbandPrunerOptions { MinResource = 1, MaxResource = 9, ReductionFactor = 3 });

    [Theory]
    [InlineData(1L, 81L, 3, 5)]
    [InlineData(1L, 80L, 3, 4)]
    [InlineData(1L, 1L, 3, 1)]
    [InlineData(2L, 100L, 4, 3)]
    public void BracketCount_IsFloorLogEtaOfMaxOverMinPlusOne(long min, long max, int eta, int expected)
    {
        new HyperbandPruner(new HyperbandPrunerOptions { MinResource = min, MaxResource = max, ReductionFactor = eta })
            .BracketCount(max).ShouldBe(expected);
    }

    [Fact]
    public void BracketOf_IsDeterministicAndCoversAllBracketsWithTheEarliestMostOften()
    {
        var other = new HyperbandPruner(new HyperbandPrunerOptions { MaxResource = 81 });
        var mine = new HyperbandPruner(new HyperbandPrunerOptions { MaxResource = 81 });
        int[] counts = new int[5];
        for (int n = 0; n < 2000; n++)
        {
            int b = mine.BracketOf(n, 5);
            b.ShouldBe(other.BracketOf(n, 5));
            counts[b]++;
        }

        counts.ShouldAllBe(c => c > 0);
        counts[0].ShouldBe(counts.Max());
        counts[4].ShouldBe(counts.Min());
    }

    [Fact]
    public void Prune_ComparesOnlyTrialsOfTheSameBracket()
    {
        int current = FirstInBracket(0, from: 1000);
        int[] same = [.. Enumerable.Range(0, 1000).Where(n => Max9.BracketOf(n, 3) == 0).Take(3)];
        int[] others = [.. Enumerable.Range(0, 1000).Where(n => Max9.BracketOf(n, 3) != 0).Take(3)];

        // Much better trials in other brackets, worse ones in the same bracket: promoted at rung 1.
        FrozenTrial[] history = [.. others.Select(n => Running(n, (1, -100.0))), .. same.Select(n => Running(n, (1, 10.0 + n)))];
        Max9.Prune(Context(Running(current, (1, 5.0)), history)).ShouldBeFalse();

        // The same better values inside its bracket: pruned.
        FrozenTrial[] sameBetter = [.. same.Select(n => Running(n, (1, -100.0)))];
        Max9.Prune(Context(Running(current, (1, 5.0)), sameBetter)).ShouldBeTrue();
    }

    [Fact]
    public void Prune_LaterBracket_HasItsFirstRungLater()
    {
        int current = FirstInBracket(1, from: 1000);
        FrozenTrial[] same = [.. Enumerable.Range(0, 1000).Where(n => Max9.BracketOf(n, 3) == 1).Take(3).Select(n => Running(n, (1, -1.0), (3, -1.0)))];
        Max9.Prune(Context(Running(current, (1, 5.0)), same)).ShouldBeFalse();
        Max9.Prune(Context(Running(current, (1, 5.0), (3, 5.0)), same)).ShouldBeTrue();
    }

    [Fact]
    public void Prune_AutoMaxResource_WaitsForACompleteTrial()
    {
        var auto = new HyperbandPruner();
        FrozenTrial[] history = [.. Enumerable.Range(0, 200).Select(n => Running(n, (1, -100.0)))];
        auto.Prune(Context(Running(1000, (1, 5.0)), history)).ShouldBeFalse();
        auto.ResolveMaxResource(Context(Running(1000), history)).ShouldBeNull();

        // Steps 0..26: 27 steps, so brackets with first rungs 1, 3, 9 and 27.
        FrozenTrial complete = Trial(200, TrialState.Complete, (0, 0.0), (26, 0.0));
        auto.ResolveMaxResource(Context(Running(1000), [.. history, complete])).ShouldBe(27);
        auto.BracketCount(27).ShouldBe(4);
        auto.BracketCount(26).ShouldBe(3);
    }

    [Fact]
    public void Constructor_MaxBelowMin_Throws()
    {
        Should.Throw<ArgumentException>(() => new HyperbandPruner(new HyperbandPrunerOptions { MinResource = 10, MaxResource = 5 }));
        Should.Throw<ArgumentException>(() => new HyperbandPruner(new HyperbandPrunerOptions { ReductionFactor = 1 }));
    }

    [Fact]
    public async Task Optimize_LearningCurves_PrunesManyTrialsAndSavesStepsWithASimilarBest()
    {
        (int pruned, long steps, double best) nop = await SuccessiveHalvingPrunerTests.RunAsync(new NopPruner());
        (int pruned, long steps, double best) hyperband = await SuccessiveHalvingPrunerTests.RunAsync(new HyperbandPruner(new HyperbandPrunerOptions { MaxResource = 64 }));

        hyperband.pruned.ShouldBeGreaterThan(20);
        hyperband.steps.ShouldBeLessThan(nop.steps / 2);
        hyperband.best.ShouldBeLessThan(nop.best + 0.01);
    }

    private static int FirstInBracket(int bracket, int from) =>
        Enumerable.Range(from, 1000).First(n => Max9.BracketOf(n, 3) == bracket);
}
