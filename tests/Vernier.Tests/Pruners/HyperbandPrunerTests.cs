using Vernier.Distributions;
using Vernier.Pruners;
using Vernier.Samplers;
using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Tests.Support;
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

    [Fact]
    public void SamplerHistory_KnownMaxResource_KeepsOnlyTheTrialsOfTheAskedTrialsBracket()
    {
        FrozenTrial[] history = [.. Enumerable.Range(0, 60).Select(n => Curve(n, TrialState.Complete, 1, 2, 3))];
        foreach (int asked in new[] { 60, 61, 62, 63, 64, 65 })
        {
            int bracket = Max9.BracketOf(asked, 3);
            IReadOnlyList<FrozenTrial> shown = Max9.SamplerHistory([StudyDirection.Minimize], asked, history);
            shown.Select(t => t.Number).ShouldBe(history.Where(t => Max9.BracketOf(t.Number, 3) == bracket).Select(t => t.Number));
            shown.Count.ShouldBeLessThan(history.Length);
            shown.Count.ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public void SamplerHistory_AutoMaxResourceBeforeAnyCompleteTrial_KeepsEverything()
    {
        var auto = new HyperbandPruner();
        FrozenTrial[] running = [.. Enumerable.Range(0, 10).Select(n => Curve(n, TrialState.Running, 1, 2))];
        auto.SamplerHistory([StudyDirection.Minimize], 10, running).ShouldBe(running);

        // Once one completes (3 steps, so max resource 3 and two brackets), the history is split.
        FrozenTrial[] oneComplete = [Curve(0, TrialState.Complete, 1, 2, 3), .. running.Skip(1)];
        auto.SamplerHistory([StudyDirection.Minimize], 10, oneComplete).Count.ShouldBeLessThan(10);
    }

    [Fact]
    public void SamplerHistory_BracketHistoryOff_KeepsEveryTrialButPrunesAsBefore()
    {
        var whole = new HyperbandPruner(new HyperbandPrunerOptions { MinResource = 1, MaxResource = 9, ReductionFactor = 3, BracketHistory = false });
        FrozenTrial[] history = [.. Enumerable.Range(0, 60).Select(n => Curve(n, TrialState.Complete, 1, 2, 3))];
        foreach (int asked in new[] { 60, 61, 62 })
        {
            whole.SamplerHistory([StudyDirection.Minimize], asked, history).ShouldBe(history);
        }

        // The pruning decisions still compare a trial with its own bracket only.
        int current = FirstInBracket(0, from: 1000);
        int[] same = [.. Enumerable.Range(0, 1000).Where(n => whole.BracketOf(n, 3) == 0).Take(3)];
        int[] others = [.. Enumerable.Range(0, 1000).Where(n => whole.BracketOf(n, 3) != 0).Take(3)];
        whole.Prune(Context(Running(current, (1, 5.0)), [.. others.Select(n => Running(n, (1, -100.0)))])).ShouldBeFalse();
        whole.Prune(Context(Running(current, (1, 5.0)), [.. same.Select(n => Running(n, (1, -100.0)))])).ShouldBeTrue();
        new HyperbandPrunerOptions().BracketHistory.ShouldBeTrue();
    }

    [Fact]
    public void SamplerHistory_OtherPruners_KeepEverything()
    {
        FrozenTrial[] history = [.. Enumerable.Range(0, 20).Select(n => Curve(n, TrialState.Complete, 1, 2, 3))];
        foreach (Pruner pruner in new Pruner[] { new NopPruner(), new MedianPruner(), new SuccessiveHalvingPruner(), new WilcoxonPruner() })
        {
            pruner.SamplerHistory([StudyDirection.Minimize], 20, history).ShouldBe(history);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ask_WithHyperband_SamplerSeesOnlyTheTrialsOfItsOwnBracket(bool declaredSpace)
    {
        var sampler = new HistoryRecordingSampler();
        await using Study study = await Study.Builder("bohb").WithSeed(5).WithSampler(sampler).WithPruner(Max9).CreateAsync();
        await RunCurvesAsync(study, declaredSpace);

        sampler.Shown.Count.ShouldBe(30);
        foreach (var (number, shown) in sampler.Shown)
        {
            int bracket = Max9.BracketOf(number, 3);
            shown.ShouldAllBe(n => Max9.BracketOf(n, 3) == bracket);
            shown.ShouldBe(Enumerable.Range(0, number).Where(n => Max9.BracketOf(n, 3) == bracket));
        }

        sampler.Shown.Values.Sum(s => s.Length).ShouldBeLessThan(30 * 29 / 2);
    }

    [Fact]
    public async Task Ask_DeterministicParallelWithHyperband_SamplerSeesOnlyItsOwnBracket()
    {
        var sampler = new HistoryRecordingSampler();
        await using Study study = await Study.Builder("bohb-deterministic").WithSeed(5).WithSampler(sampler).WithPruner(Max9)
            .Configure(o => { o.MaxConcurrent = 3; o.DeterministicParallel = true; }).CreateAsync();
        await RunCurvesAsync(study, declaredSpace: false);

        sampler.Shown.Count.ShouldBe(30);
        foreach (var (number, shown) in sampler.Shown)
        {
            int bracket = Max9.BracketOf(number, 3);
            shown.ShouldBe(Enumerable.Range(0, number).Where(n => Max9.BracketOf(n, 3) == bracket));
        }
    }

    [Fact]
    public async Task Ask_WithDefaultPruner_SamplerSeesEveryTrial()
    {
        var sampler = new HistoryRecordingSampler();
        await using Study study = await Study.Builder("all").WithSeed(5).WithSampler(sampler).WithPruner(new MedianPruner()).CreateAsync();
        await RunCurvesAsync(study, declaredSpace: false);

        foreach (var (number, shown) in sampler.Shown)
        {
            shown.ShouldBe(Enumerable.Range(0, number));
        }
    }

    [Fact]
    public async Task Ask_GridSamplerWithHyperband_SeesEveryTrialAndRepeatsNoPoint()
    {
        var grid = new GridSampler(new SearchSpace([new ParameterSpec("x", new IntDistribution(0, 11))]));
        await using Study study = await Study.Builder("grid").WithSeed(5).WithSampler(grid).WithPruner(Max9).CreateAsync();
        await study.OptimizeAsync(
            trial =>
            {
                int x = trial.SuggestInt("x", 0, 11);
                for (long step = 0; step < 9; step++)
                {
                    trial.Report(x + step, step);
                }

                return x;
            },
            new OptimizeOptions { NTrials = 12 });

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Select(t => Convert.ToInt64(t.Params["x"], System.Globalization.CultureInfo.InvariantCulture)).Distinct().Count().ShouldBe(12);
    }

    private static async Task RunCurvesAsync(Study study, bool declaredSpace)
    {
        await study.OptimizeAsync(
            trial =>
            {
                double x = trial.SuggestFloat("x", 0, 1);
                for (long step = 0; step < 9; step++)
                {
                    trial.Report(x + 1.0 / (step + 1), step);
                }

                return x;
            },
            new OptimizeOptions
            {
                NTrials = 30,
                SearchSpace = declaredSpace ? new SearchSpace([new ParameterSpec("x", new FloatDistribution(0, 1))]) : null,
            });
    }

    private static int FirstInBracket(int bracket, int from) =>
        Enumerable.Range(from, 1000).First(n => Max9.BracketOf(n, 3) == bracket);
}
