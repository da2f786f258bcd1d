using Vernier.Bench.Functions;
using Vernier.Bench.Pruning;
using Vernier.Bench.Results;
using Vernier.Pruners;

namespace Vernier.Bench.Tests.Pruning;

public class VernierPruningTests
{
    private static readonly FunctionCatalog Catalog = FunctionCatalog.Load(Repository.FunctionsJson);

    private static BenchFunction Function => Catalog.Get(VernierPruning.FunctionName);

    [Fact]
    public void Steps_IsTheFilesStepCount() => VernierPruning.Steps(Catalog).ShouldBe(50);

    [Fact]
    public async Task RunAsync_TinyPlan_GivesOneCellPerPrunerWithARunPerSeed()
    {
        var cells = await VernierPruning.RunAsync(VernierPruning.PrunerNames, "tpe", Function, [0, 1], 10, 50, "auto", 2, _ => { }, CancellationToken.None);

        cells.Select(c => c.Pruner).ShouldBe(VernierPruning.PrunerNames);
        foreach (PruningCell cell in cells)
        {
            cell.Error.ShouldBeNull();
            cell.Runs.Select(r => r.Seed).ShouldBe([0UL, 1UL]);
            cell.Runs.ShouldAllBe(r => r.Trials == 10 && r.Steps >= 10 && r.Steps <= 500 && r.Pruned <= 9 && r.Best != null);
            cell.Steps.ShouldNotBeNull();
            cell.Best.ShouldNotBeNull();
            cell.PrunedFraction.ShouldNotBeNull().ShouldBeInRange(0.0, 1.0);
        }
    }

    [Fact]
    public async Task RunAsync_NoPruning_CountsEveryStepOfEveryTrial()
    {
        var cells = await VernierPruning.RunAsync(["none"], "tpe", Function, [0, 1], 10, 50, "auto", 1, _ => { }, CancellationToken.None);

        cells[0].Runs.ShouldAllBe(r => r.Steps == 10 * 50 && r.Pruned == 0);
        cells[0].Runs[0].Completions!.Select(c => c[0]).ShouldBe([50, 100, 150, 200, 250, 300, 350, 400, 450, 500]);
        cells[0].Runs[0].BestWithin(500).ShouldBe(cells[0].Runs[0].Best!.Value);
        cells[0].Runs[0].BestWithin(49).ShouldBe(double.PositiveInfinity);
        cells[0].Steps.ShouldBe(new Quartiles(500, 500, 500));
        cells[0].PrunedFraction.ShouldBe(0.0);
    }

    [Fact]
    public async Task RunOnceAsync_MedianPruner_PrunesSomeTrialsAndSavesSteps()
    {
        var (run, error) = await VernierPruning.RunOnceAsync("median", "random", Function, 3, 30, 50, "auto", CancellationToken.None);

        error.ShouldBeNull();
        run.Pruned.ShouldBeGreaterThan(0);
        run.Steps.ShouldBeLessThan(30 * 50);
    }

    [Fact]
    public async Task RunOnceAsync_BestValue_IsTheBestCompleteTrialsLastStep()
    {
        var (run, _) = await VernierPruning.RunOnceAsync("none", "random", Function, 5, 3, 50, "auto", CancellationToken.None);
        var (shorter, _) = await VernierPruning.RunOnceAsync("none", "random", Function, 5, 3, 10, "auto", CancellationToken.None);

        // The same trials (random sampler, same seed); ten steps leave each curve higher than fifty.
        shorter.Best.ShouldNotBeNull().ShouldBeGreaterThan(run.Best!.Value);
        run.Best!.Value.ShouldBeGreaterThanOrEqualTo(Function.FStar);
    }

    [Fact]
    public async Task RunOnceAsync_EnqueuedSequence_EvaluatesExactlyThoseTrials()
    {
        var sequence = await VernierPruning.TrialSequenceAsync(Function, 4, 8, CancellationToken.None);
        double expected = sequence.Min(p =>
        {
            var (final, c, tau) = VernierPruning.Curve(Function, p);
            return TestFunctions.PruningCurve(final, c, tau, 49);
        });

        var (run, error) = await VernierPruning.RunOnceAsync("none", "tpe", Function, 0, 8, 50, "auto", CancellationToken.None, sequence);

        error.ShouldBeNull();
        run.Best.ShouldBe(expected);
        (await VernierPruning.TrialSequenceAsync(Function, 4, 8, CancellationToken.None)).ShouldBe(sequence);
    }

    [Fact]
    public void Summarise_LeavesOutSeedsWithoutACompleteTrial()
    {
        PruningRun[] runs = [new(0, 10, 100, 10, null, 0.0), new(1, 10, 300, 5, 2.0, 0.0), new(2, 10, 200, 0, 4.0, 0.0)];

        PruningCell cell = VernierPruning.Summarise("median", runs, null);

        cell.Steps!.Median.ShouldBe(200);
        cell.Best!.Median.ShouldBe(3.0);
        cell.PrunedFraction.ShouldBe(0.5);
    }

    [Theory]
    [InlineData("none", typeof(NopPruner))]
    [InlineData("median", typeof(MedianPruner))]
    [InlineData("successive_halving", typeof(SuccessiveHalvingPruner))]
    [InlineData("hyperband", typeof(HyperbandPruner))]
    public void CreatePruner_EachName_IsThatPrunerWithDefaultOptions(string name, Type type) =>
        VernierPruning.CreatePruner(name, "auto").ShouldBeOfType(type);
}
