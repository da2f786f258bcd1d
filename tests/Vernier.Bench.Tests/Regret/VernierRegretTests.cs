using Vernier.Bench.Functions;
using Vernier.Bench.Regret;
using Vernier.Bench.Results;

namespace Vernier.Bench.Tests.Regret;

public class VernierRegretTests
{
    private static readonly FunctionCatalog Catalog = FunctionCatalog.Load(Repository.FunctionsJson);

    [Fact]
    public void Summarise_EachBudget_UsesTheBestOfTheFirstKTrials()
    {
        BenchFunction branin = Catalog.Get("branin");
        VernierRegret.Run[] runs =
        [
            new([10.0, 5.0, 5.0, 1.0], 0.0, null),
            new([8.0, 8.0, 2.0, 2.0], 0.0, null),
        ];

        RegretCell cell = VernierRegret.Summarise("random", branin, runs, [2, 4]);

        cell.Budgets[0].Regrets.ShouldBe([5.0 - branin.FStar, 8.0 - branin.FStar]);
        cell.Budgets[1].Regrets.ShouldBe([1.0 - branin.FStar, 2.0 - branin.FStar]);
    }

    [Fact]
    public void Quantile_InterpolatesLinearlyLikeNumpy()
    {
        double[] values = [4.0, 1.0, 3.0, 2.0];

        Statistics.Quantile(values, 0.25).ShouldBe(1.75);
        Statistics.Quantile(values, 0.5).ShouldBe(2.5);
        Statistics.Quantile(values, 0.75).ShouldBe(3.25);
    }

    [Fact]
    public async Task RunAsync_AnyNumberOfWorkers_GivesTheSameResults()
    {
        BenchFunction[] functions = [Catalog.Get("branin"), Catalog.Get("hpo_surrogate_shifted")];

        var one = await VernierRegret.RunAsync(["random"], functions, [0, 1, 2], [5, 20], 1, _ => { }, CancellationToken.None);
        var three = await VernierRegret.RunAsync(["random"], functions, [0, 1, 2], [5, 20], 3, _ => { }, CancellationToken.None);

        for (int i = 0; i < one.Count; i++)
        {
            one[i].Error.ShouldBeNull();
            three[i].Budgets.SelectMany(b => b.Regrets).ShouldBe(one[i].Budgets.SelectMany(b => b.Regrets));
        }
    }

    [Fact]
    public async Task RunAsync_SamplerThatDoesNotSuitTheSpace_IsNotApplicableNotAFailure()
    {
        var cells = await VernierRegret.RunAsync(["grid"], [Catalog.Get("branin")], [0], [5], 1, _ => { }, CancellationToken.None);

        cells[0].NotApplicable.ShouldBeTrue();
        cells[0].Error.ShouldNotBeNull();
    }

    [Fact]
    public async Task RunOnceAsync_ShiftedDomain_SamplesInsideTheShiftedBounds()
    {
        BenchFunction shifted = Catalog.Get("ackley_shifted");

        var run = await VernierRegret.RunOnceAsync("random", shifted, 7, 30, CancellationToken.None);

        run.Error.ShouldBeNull();
        run.BestSoFar.Length.ShouldBe(30);
        run.BestSoFar.ShouldBe(run.BestSoFar.OrderByDescending(v => v).ToArray());
    }
}
