using System.Collections.Immutable;
using System.Text.Json;
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

    [Fact]
    public void Prune_CalledAfterTheRungReport_StillJudgesTheRung()
    {
        // η = 3, rungs at 1, 3, 9. The trial reached rung 9 at step 10 but nobody asked then: the call at step 11 judges it.
        var eta3 = new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions { MinResource = 1, ReductionFactor = 3 });
        FrozenTrial[] history = [.. Enumerable.Range(0, 6).Select(i => Running(i, (1, 5.0), (3, 5.0), (9, i + 1.0)))];
        FrozenTrial late = Running(50, (0, 0), (1, 0), (3, 0), (10, 4.5), (11, 0.0));
        eta3.Prune(Context(late, history)).ShouldBeTrue();

        // Its rung-9 value is the one at step 10 (the first report at or after 9), not the latest.
        FrozenTrial good = Running(50, (0, 0), (1, 0), (3, 0), (10, 1.5), (11, 1e9));
        eta3.Prune(Context(good, history)).ShouldBeFalse();
    }

    [Fact]
    public void Prune_PromotedTrial_RecordsThePassedRungsAndIsNotJudgedThereAgain()
    {
        var eta3 = new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions { MinResource = 1, ReductionFactor = 3 });
        FrozenTrial[] history = [.. Enumerable.Range(0, 6).Select(i => Running(i, (1, i + 1.0), (3, i + 1.0)))];
        PrunerContext first = Context(Running(50, (0, 0), (1, 0.5), (3, 0.5), (4, 0.5)), history);
        eta3.Prune(first).ShouldBeFalse();
        first.DrainPendingSystemAttributes()[AshaRung.PassedRungsAttribute].GetInt32().ShouldBe(2);

        // Later trials all beat it at rungs 1 and 3; its passed rungs are not judged again, and rung 9 is not reached yet.
        FrozenTrial[] better = [.. history, .. Enumerable.Range(6, 10).Select(i => Running(i, (1, 0.1), (3, 0.1)))];
        FrozenTrial passed = Running(50, (0, 0), (1, 0.5), (3, 0.5), (5, 0.5)) with
        {
            SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty.Add(AshaRung.PassedRungsAttribute, JsonSerializer.SerializeToElement(2)),
        };
        PrunerContext later = Context(passed, better);
        eta3.Prune(later).ShouldBeFalse();
        later.DrainPendingSystemAttributes().ShouldBeEmpty();

        // Without the record, the same call judges rung 1 afresh and prunes.
        eta3.Prune(Context(passed with { SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty }, better)).ShouldBeTrue();
    }

    [Fact]
    public async Task Optimize_ShouldPruneOnlyEveryFiveSteps_StillPrunesAtTheRungsReachedBetweenCalls()
    {
        // η = 3, rungs at 1, 3, 9, 27; the objective asks at steps 5, 10, 15…, never at a rung step's report.
        var pruner = new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions { MinResource = 1, ReductionFactor = 3 });
        await using Study study = await Study.Builder("sparse-asks").WithSeed(1).WithPruner(pruner).CreateAsync();
        foreach (double x in new[] { 0.2, 0.1, 0.0, 5.0 }) // each of the first three beats those before it
        {
            await study.EnqueueTrialAsync(new Dictionary<string, object?> { ["x"] = x });
        }

        await study.OptimizeAsync(
            trial =>
            {
                double x = trial.SuggestFloat("x", 0, 10);
                for (long step = 0; step < 30; step++)
                {
                    trial.Report(x + 1.0 / (step + 1), step);
                    if (step > 0 && step % 5 == 0 && trial.ShouldPrune())
                    {
                        throw new TrialPrunedException();
                    }
                }

                return x;
            },
            new OptimizeOptions { NTrials = 4 });

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Take(3).ShouldAllBe(t => t.State == TrialState.Complete);
        trials[0].SystemAttributes[AshaRung.PassedRungsAttribute].GetInt32().ShouldBe(3); // rungs 1, 3, 9; its last ask (step 25) is before 27
        trials[3].State.ShouldBe(TrialState.Pruned);
        trials[3].LastIntermediateValue!.Value.Key.ShouldBe(5);
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
