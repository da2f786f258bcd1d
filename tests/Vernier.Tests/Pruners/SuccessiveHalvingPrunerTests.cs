using Vernier.Pruners;
using Vernier.Studies;
using Vernier.Trials;
using static Vernier.Tests.Pruners.PrunerTables;

namespace Vernier.Tests.Pruners;

public class SuccessiveHalvingPrunerTests
{
    private static readonly SuccessiveHalvingPruner Eta4 = new(new SuccessiveHalvingPrunerOptions { MinResource = 1 });

    [Theory]
    [InlineData(0.5, false)] // best of 8: promoted
    [InlineData(1.5, false)] // second of 8: top 8/4 = 2, promoted
    [InlineData(2.5, true)] // third of 8: pruned
    [InlineData(1.0, false)] // tie with the second best: promoted
    public void Prune_AtFirstRung_PromotesOnlyTopQuarter(double value, bool expected)
    {
        FrozenTrial trial = Running(50, (0, 100), (1, value));
        Eta4.Prune(Context(trial, AtStep(1, 1, 2, 3, 4, 5, 6, 7))).ShouldBe(expected);
    }

    [Theory]
    [InlineData(7.5, false)]
    [InlineData(6.5, false)]
    [InlineData(5.5, true)]
    public void Prune_Maximize_FlipsTheOrder(double value, bool expected)
    {
        FrozenTrial trial = Running(50, (0, 0), (1, value));
        Eta4.Prune(Context(trial, AtStep(1, 1, 2, 3, 4, 5, 6, 7), StudyDirection.Maximize)).ShouldBe(expected);
    }

    [Fact]
    public void Prune_BeforeTheFirstRung_NeverPrunes()
    {
        var pruner = new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions { MinResource = 2 });
        FrozenTrial trial = Running(50, (0, 1e9), (1, 1e9));
        pruner.Prune(Context(trial, AtStep(1, 1, 2, 3, 4, 5, 6, 7))).ShouldBeFalse();
        pruner.Prune(Context(Running(50), AtStep(1, 1, 2))).ShouldBeFalse();
    }

    [Fact]
    public void Prune_BetweenRungs_DoesNotPrune()
    {
        // Rungs at 1 and 4; the latest report (step 2) reaches no new rung.
        FrozenTrial trial = Running(50, (1, 0.0), (2, 1e9));
        Eta4.Prune(Context(trial, AtStep(1, 1, 2, 3, 4, 5, 6, 7))).ShouldBeFalse();
    }

    [Fact]
    public void Prune_SecondRung_ComparesOnlyTrialsThatReachedIt()
    {
        // Rung 4: the competitors that reached step 4 have 1 and 2; the current trial (3.0) is last of 3: promoted only if best.
        FrozenTrial[] history =
        [
            Running(0, (1, 0.1), (4, 1.0)),
            Running(1, (1, 0.2), (4, 2.0)),
            Running(2, (1, 0.3)),
            Running(3, (1, 9.0)),
        ];
        Eta4.Prune(Context(Running(50, (1, 0.0), (4, 3.0)), history)).ShouldBeTrue();
        Eta4.Prune(Context(Running(50, (1, 0.0), (4, 0.5)), history)).ShouldBeFalse();
    }

    [Fact]
    public void Prune_RungValue_IsTheFirstReportAtOrAfterTheRungStep()
    {
        // Trials 0..6 skipped step 4 and reported at 5: their step-5 values count at rung 4.
        FrozenTrial[] history = [.. Enumerable.Range(0, 7).Select(i => Running(i, (3, 1000.0), (5, i + 1.0), (6, -1000.0)))];
        Eta4.Prune(Context(Running(50, (3, 0), (4, 2.5)), history)).ShouldBeTrue();
        Eta4.Prune(Context(Running(50, (3, 0), (4, 1.5)), history)).ShouldBeFalse();
    }

    [Fact]
    public void Prune_NaN_CountsAsWorst()
    {
        FrozenTrial nanTrial = Running(50, (0, 0), (1, double.NaN));
        Eta4.Prune(Context(nanTrial, AtStep(1, 1, 2, 3, 4, 5, 6, 7))).ShouldBeTrue();

        // Six NaN competitors and one at 1.0: a 5.0 is second of 8 and promoted, in both directions.
        double[] values = [double.NaN, double.NaN, 1.0, double.NaN, double.NaN, double.NaN, double.NaN];
        Eta4.Prune(Context(Running(50, (1, 5.0)), AtStep(1, values))).ShouldBeFalse();
        values[2] = 9.0;
        Eta4.Prune(Context(Running(50, (1, 5.0)), AtStep(1, values), StudyDirection.Maximize)).ShouldBeFalse();
    }

    [Fact]
    public void Prune_AutoMinResource_WaitsForACompleteTrialThenUsesItsLastStepOver100()
    {
        var auto = new SuccessiveHalvingPruner();
        FrozenTrial[] running = [.. AtStep(1, 1, 2, 3, 4, 5, 6, 7)];
        auto.Prune(Context(Running(50, (1, 1e9)), running)).ShouldBeFalse();

        // First complete trial reported steps 0..299: min resource 299 / 100 = 2 (Optuna's last_step // 100), rungs 2, 8, 32…
        FrozenTrial complete = Trial(7, TrialState.Complete, (0, 0.0), (299, 0.0));
        FrozenTrial[] atTwo = [.. Enumerable.Range(0, 7).Select(i => Running(i, (2, i + 1.0))), complete];
        auto.Prune(Context(Running(50, (1, 1e9)), [.. running, complete])).ShouldBeFalse();
        auto.Prune(Context(Running(50, (1, 0), (2, 1e9)), atTwo)).ShouldBeTrue();
        auto.Prune(Context(Running(50, (1, 0), (2, 0.5)), atTwo)).ShouldBeFalse();

        // Steps 0..199 give 199 / 100 = 1, not 200 / 100 = 2: the first rung is at step 1.
        FrozenTrial twoHundred = Trial(8, TrialState.Complete, (0, 0.0), (199, 0.0));
        auto.Prune(Context(Running(50, (0, 0), (1, 1e9)), [.. running, twoHundred])).ShouldBeTrue();

        // A short complete trial still gives a min resource of 1.
        FrozenTrial shortComplete = Trial(8, TrialState.Complete, (0, 0.0), (5, 0.0));
        auto.Prune(Context(Running(50, (0, 0), (1, 1e9)), [.. running, shortComplete])).ShouldBeTrue();
    }

    [Fact]
    public void Prune_MinEarlyStoppingRate_MovesTheFirstRungUp()
    {
        var late = new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions { MinResource = 1, MinEarlyStoppingRate = 1 });
        late.Prune(Context(Running(50, (0, 0), (1, 1e9)), AtStep(1, 1, 2, 3, 4, 5, 6, 7))).ShouldBeFalse();
        late.Prune(Context(Running(50, (0, 0), (4, 1e9)), AtStep(4, 1, 2, 3, 4, 5, 6, 7))).ShouldBeTrue();
    }

    [Fact]
    public void Prune_FewerThanBootstrapCountAtTheRung_Prunes()
    {
        var boot = new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions { MinResource = 1, BootstrapCount = 3 });
        boot.Prune(Context(Running(50, (1, 0.0)), AtStep(1, 1))).ShouldBeTrue();
        boot.Prune(Context(Running(50, (1, 0.0)), AtStep(1, 1, 2))).ShouldBeFalse();
    }

    [Fact]
    public void Prune_FirstTrialAlone_IsPromoted()
    {
        Eta4.Prune(Context(Running(0, (1, 123.0)), [])).ShouldBeFalse();
    }

    [Theory]
    [InlineData(0L, 4, 0, 0)]
    [InlineData(1L, 1, 0, 0)]
    [InlineData(1L, 4, -1, 0)]
    [InlineData(1L, 4, 0, -1)]
    public void Constructor_OutOfRangeOption_Throws(long minResource, int eta, int rate, int bootstrap)
    {
        Should.Throw<ArgumentException>(() => new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions
        {
            MinResource = minResource, ReductionFactor = eta, MinEarlyStoppingRate = rate, BootstrapCount = bootstrap,
        }));
    }

    [Fact]
    public async Task Optimize_LearningCurves_PrunesManyTrialsAndSavesStepsWithASimilarBest()
    {
        (int pruned, long steps, double best) nop = await RunAsync(new NopPruner());
        (int pruned, long steps, double best) asha = await RunAsync(new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions { MinResource = 1 }));

        nop.pruned.ShouldBe(0);
        asha.pruned.ShouldBeGreaterThan(20);
        asha.steps.ShouldBeLessThan(nop.steps / 2);
        asha.best.ShouldBeLessThan(nop.best + 0.01);
    }

    internal static async Task<(int Pruned, long Steps, double Best)> RunAsync(Pruner pruner)
    {
        await using Study study = await Study.Builder("asha-curves").WithSeed(7).WithPruner(pruner).CreateAsync();
        long steps = 0;
        await study.OptimizeAsync(
            trial =>
            {
                double x = trial.SuggestFloat("x", 0, 1);
                double floor = (x - 0.3) * (x - 0.3);
                double value = double.NaN;
                for (long t = 0; t < 64; t++)
                {
                    Interlocked.Increment(ref steps);
                    value = floor + 1.0 / (t + 1);
                    trial.Report(value, t);
                    if (trial.ShouldPrune())
                    {
                        throw new TrialPrunedException();
                    }
                }

                return value;
            },
            new OptimizeOptions { NTrials = 50 });

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        int pruned = trials.Count(t => t.State == TrialState.Pruned);
        double best = trials.Where(t => t.State == TrialState.Complete).Min(t => t.Value!.Value);
        return (pruned, steps, best);
    }
}
