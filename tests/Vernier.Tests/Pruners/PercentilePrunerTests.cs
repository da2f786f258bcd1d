using Vernier.Pruners;
using Vernier.Studies;
using Vernier.Trials;
using static Vernier.Tests.Pruners.PrunerTables;

namespace Vernier.Tests.Pruners;

public class PercentilePrunerTests
{
    [Theory]
    [InlineData(11.5, false)] // better than the median 12 at step 0
    [InlineData(12.0, false)] // equal: kept
    [InlineData(12.5, true)]
    public void Median_ComparesTheBestValueSoFarWithTheMedianAtTheSameStep(double value, bool pruned) =>
        new MedianPruner().Prune(Context(Curve(9, TrialState.Running, value), FiveCompleted)).ShouldBe(pruned);

    [Fact]
    public void Median_UsesTheBestValueSoFar_NotTheLatest()
    {
        // Step 1's median is 11; the trial's latest value 11.5 is worse, but its best (10) is better.
        new MedianPruner().Prune(Context(Curve(9, TrialState.Running, 10, 11.5), FiveCompleted)).ShouldBeFalse();
    }

    [Fact]
    public void Maximize_MirrorsTheComparison() =>
        new MedianPruner().Prune(Context(Curve(9, TrialState.Running, 11.5), FiveCompleted, StudyDirection.Maximize)).ShouldBeTrue();

    [Fact]
    public void Percentile25_KeepsOnlyTheBestQuarter()
    {
        var pruner = new PercentilePruner(new PercentilePrunerOptions { Percentile = 25 });
        pruner.Prune(Context(Curve(9, TrialState.Running, 10.9), FiveCompleted)).ShouldBeFalse(); // 25th percentile at step 0 is 11
        pruner.Prune(Context(Curve(9, TrialState.Running, 11.1), FiveCompleted)).ShouldBeTrue();
    }

    [Fact]
    public void StartupWarmupIntervalAndMinTrials_HoldPruningBack()
    {
        FrozenTrial bad = Curve(9, TrialState.Running, 99, 99, 99);
        new MedianPruner(new PercentilePrunerOptions { StartupTrials = 6 }).Prune(Context(bad, FiveCompleted)).ShouldBeFalse();
        new MedianPruner(new PercentilePrunerOptions { WarmupSteps = 3 }).Prune(Context(bad, FiveCompleted)).ShouldBeFalse();
        new MedianPruner(new PercentilePrunerOptions { IntervalSteps = 2 }).Prune(Context(bad, FiveCompleted)).ShouldBeTrue(); // step 2 is checked
        new MedianPruner(new PercentilePrunerOptions { IntervalSteps = 2 }).Prune(Context(Curve(9, TrialState.Running, 99, 99), FiveCompleted)).ShouldBeFalse();
        new MedianPruner(new PercentilePrunerOptions { MinTrials = 6, StartupTrials = 0 }).Prune(Context(bad, FiveCompleted)).ShouldBeFalse();
    }

    [Fact]
    public void NaN_AllNaNTrialIsPruned_OthersNaNAreLeftOut()
    {
        new MedianPruner().Prune(Context(Curve(9, TrialState.Running, double.NaN), FiveCompleted)).ShouldBeTrue();
        FrozenTrial[] withNaN = [.. FiveCompleted, .. Enumerable.Range(5, 5).Select(k => Curve(k, TrialState.Complete, double.NaN))];
        new MedianPruner().Prune(Context(Curve(9, TrialState.Running, 11.5), withNaN)).ShouldBeFalse();
    }

    [Fact]
    public void OnlyCompletedTrialsCount_AndAMissingStepNeverPrunes()
    {
        FrozenTrial[] prunedOnes = [.. Enumerable.Range(0, 5).Select(k => Curve(k, TrialState.Pruned, 0.0))];
        new MedianPruner().Prune(Context(Curve(9, TrialState.Running, 50), prunedOnes)).ShouldBeFalse();
        new MedianPruner().Prune(Context(Curve(9, TrialState.Running, 50, 50, 50, 50, 50), FiveCompleted)).ShouldBeFalse(); // nobody reported step 4
        new MedianPruner().Prune(Context(Curve(9, TrialState.Running), FiveCompleted)).ShouldBeFalse(); // nothing reported yet
    }

    [Fact]
    public void Options_OutOfRange_AreRejected()
    {
        Should.Throw<ArgumentException>(() => new PercentilePruner(new PercentilePrunerOptions { Percentile = 101 })).Message.ShouldBe("Percentile must be between 0 and 100, got 101.");
        Should.Throw<ArgumentException>(() => new MedianPruner(new PercentilePrunerOptions { Percentile = 30 })).Message.ShouldContain("use PercentilePruner");
        Should.Throw<ArgumentException>(() => new MedianPruner(new PercentilePrunerOptions { IntervalSteps = 0 }));
    }
}

public class ThresholdPrunerTests
{
    [Theory]
    [InlineData(0.5, false)]
    [InlineData(-0.1, true)]
    [InlineData(1.1, true)]
    [InlineData(double.NaN, true)]
    public void LatestValue_OutsideTheBoundsOrNaN_IsPruned(double value, bool pruned) =>
        new ThresholdPruner(lower: 0, upper: 1).Prune(Context(Curve(0, TrialState.Running, 0.5, value), [])).ShouldBe(pruned);

    [Fact]
    public void Warmup_HoldsPruningBack_AndBadBoundsAreRejected()
    {
        new ThresholdPruner(upper: 1, warmupSteps: 5).Prune(Context(Curve(0, TrialState.Running, 9), [])).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => new ThresholdPruner()).Message.ShouldBe("give a lower bound, an upper bound or both.");
        Should.Throw<ArgumentException>(() => new ThresholdPruner(lower: 2, upper: 1));
    }
}

public class PatientPrunerTests
{
    [Fact]
    public void StalledTrial_IsPruned_ImprovingOneIsKept()
    {
        var pruner = new PatientPruner(null, patience: 2);
        pruner.Prune(Context(Curve(0, TrialState.Running, 5, 4, 4.5, 4.2, 4.1), [])).ShouldBeTrue(); // best 4 before, best 4.1 in the last 3 steps
        pruner.Prune(Context(Curve(0, TrialState.Running, 5, 4, 4.5, 3.9), [])).ShouldBeFalse();
        pruner.Prune(Context(Curve(0, TrialState.Running, 5, 6), [])).ShouldBeFalse(); // too few steps to judge
    }

    [Fact]
    public void MinDelta_SmallImprovementsDoNotCount()
    {
        new PatientPruner(null, patience: 1, minDelta: 0.5).Prune(Context(Curve(0, TrialState.Running, 5, 4, 3.8, 3.7), [])).ShouldBeTrue();
    }

    [Fact]
    public void StalledTrial_WithAWrappedPruner_LetsItDecide()
    {
        var patient = new PatientPruner(new MedianPruner(), patience: 0);
        // Stalled (step 1 is not better than step 0), but better than the median at step 1 (11): kept.
        patient.Prune(Context(Curve(9, TrialState.Running, 9, 9.5), FiveCompleted)).ShouldBeFalse();
        patient.Prune(Context(Curve(9, TrialState.Running, 13, 13.5), FiveCompleted)).ShouldBeTrue();
    }
}

public class MedianPrunerStudyTests
{
    [Fact]
    public async Task InProcessObjective_HopelessTrialsStopEarly_AndTheBestIsKept()
    {
        await using Study study = await Study.Builder("curves").WithPruner(new MedianPruner()).WithSeed(3).CreateAsync();
        int steps = 0;
        await study.OptimizeAsync(
            trial =>
            {
                double quality = trial.SuggestFloat("q", 0, 1);
                double value = 0;
                for (int step = 0; step < 20; step++)
                {
                    Interlocked.Increment(ref steps);
                    value = quality + 1.0 / (step + 1);
                    trial.Report(value, step);
                    if (trial.ShouldPrune())
                    {
                        throw new TrialPrunedException();
                    }
                }

                return value;
            },
            new OptimizeOptions { NTrials = 30 });

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Count(t => t.State == TrialState.Pruned).ShouldBeGreaterThan(5);
        steps.ShouldBeLessThan(30 * 20 * 3 / 4);
        trials.Where(t => t.State == TrialState.Pruned).ShouldAllBe(t => t.IntermediateValues.Count < 20);
        double bestQuality = trials.Min(t => (double)t.Params["q"]!);
        (await study.GetBestTrialAsync())!.Params["q"].ShouldBe(bestQuality);
    }
}
