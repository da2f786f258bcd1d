using FsCheck;
using FsCheck.Fluent;
using Vernier.Distributions;
using Vernier.Samplers.CmaEs;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.CmaEs;

public class CmaEsMarginTests
{
    [Theory]
    [InlineData(0.02)] // the first value's cell (an edge)
    [InlineData(0.5)]  // an inner cell, at its centre
    [InlineData(0.98)] // the last value's cell (an edge)
    public void ApplyMargin_CollapsedDistribution_KeepsTheProbabilityOfLeavingTheCellAtLeastAlpha(double mean)
    {
        var space = new CmaEsSpace(["k"], [new IntDistribution(0, 9)]);
        double[] m = [mean];
        double[] margin = [1.0];
        double[,] c = { { 1 } };
        const double sigma = 1e-6, alpha = 0.05;

        CmaEsEngine.ApplyMargin(space, m, sigma, c, margin, alpha);

        var (lo, hi) = space.Cell(0, m[0]);
        double s = sigma * margin[0];
        double leave = (lo > 0 ? NormalMath.UpperTail((m[0] - lo) / s) : 0) + (hi < 1 ? NormalMath.UpperTail((hi - m[0]) / s) : 0);
        leave.ShouldBeGreaterThanOrEqualTo(alpha * (1 - 1e-6));
        space.ToValue(0, m[0]).ShouldBe(space.ToValue(0, mean)); // the mean's value does not change
    }

    [Fact]
    public void ApplyMargin_AnyMeanAndStepSize_KeepsTheMeansValueAndAtLeastAlphaOfLeaving()
    {
        ParameterDistribution[] distributions =
        [
            new IntDistribution(0, 1),
            new IntDistribution(-3, 12, step: 3),
            new IntDistribution(1, 1000, log: true),
            new FloatDistribution(0, 1, step: 0.25),
        ];
        Prop.ForAll<int, NormalFloat, PositiveInt>((which, meanSeed, sigmaExponent) =>
        {
            ParameterDistribution distribution = distributions[Math.Abs(which % distributions.Length)];
            var space = new CmaEsSpace(["k"], [distribution]);
            double mean = Math.Abs(meanSeed.Get % 1.0);
            double sigma = Math.Pow(10, -(sigmaExponent.Get % 9));
            double[] m = [mean];
            double[] margin = [1.0];
            const double alpha = 0.02;

            CmaEsEngine.ApplyMargin(space, m, sigma, new double[,] { { 1 } }, margin, alpha);

            var (lo, hi) = space.Cell(0, m[0]);
            double s = sigma * margin[0];
            double leave = (lo > 0 ? NormalMath.UpperTail((m[0] - lo) / s) : 0) + (hi < 1 ? NormalMath.UpperTail((hi - m[0]) / s) : 0);
            return leave >= alpha * (1 - 1e-6) && space.ToValue(0, m[0]) == space.ToValue(0, mean);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Cell_AnyPosition_IsTheIntervalOfItsValue()
    {
        ParameterDistribution[] distributions =
        [
            new IntDistribution(2, 9), new IntDistribution(1, 500, log: true), new FloatDistribution(-1, 2, step: 0.5),
            new NormalDistribution(0, 1, step: 0.5), new NormalDistribution(-1, 1.5, log: true, step: 0.25),
        ];
        Prop.ForAll<int, NormalFloat>((which, unitSeed) =>
        {
            var space = new CmaEsSpace(["k"], [distributions[Math.Abs(which % distributions.Length)]]);
            double u = Math.Abs(unitSeed.Get % 1.0);
            var (lo, hi) = space.Cell(0, u);
            double value = space.ToValue(0, u);
            return lo <= u && u <= hi && space.ToValue(0, lo + (hi - lo) * 1e-6) == value && space.ToValue(0, hi - (hi - lo) * 1e-6) == value;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ApplyMargin_WideDistribution_ChangesNothing()
    {
        var space = new CmaEsSpace(["k"], [new IntDistribution(0, 9)]);
        double[] m = [0.45];
        double[] margin = [1.0];

        CmaEsEngine.ApplyMargin(space, m, 0.2, new double[,] { { 1 } }, margin, 0.05);

        m[0].ShouldBe(0.45);
        margin[0].ShouldBe(1.0);
    }

    private static async Task<IReadOnlyList<FrozenTrial>> RunIntegerProblemAsync(bool withMargin, ulong seed)
    {
        // Without restarts: only the margin can keep the search moving once σ has collapsed.
        var sampler = new CmaEsSampler(new CmaEsSamplerOptions { RestartStrategy = CmaEsRestartStrategy.None, WithMargin = withMargin });
        await using Study study = await Study.Builder("integers").WithSampler(sampler).WithSeed(seed).CreateAsync();
        await study.OptimizeAsync(
            trial =>
            {
                int a = trial.SuggestInt("a", -10, 10), b = trial.SuggestInt("b", -10, 10), c = trial.SuggestInt("c", 0, 1);
                return Math.Abs(a - 7) + Math.Abs(b + 4) + c;
            },
            new OptimizeOptions { NTrials = 400 });
        return await study.GetTrialsAsync();
    }

    private static int DistinctPoints(IEnumerable<FrozenTrial> trials) =>
        trials.Select(t => $"{t.Params["a"]},{t.Params["b"]},{t.Params["c"]}").Distinct().Count();

    [Fact]
    public async Task PureIntegerProblem_WithMargin_KeepsExploringAndFindsTheOptimum()
    {
        IReadOnlyList<FrozenTrial> trials = await RunIntegerProblemAsync(withMargin: true, seed: 4);

        trials.Min(t => t.Value!.Value).ShouldBe(0);
        DistinctPoints(trials.Skip(300)).ShouldBeGreaterThan(3);
    }

    [Fact]
    public async Task PureIntegerProblem_WithoutMargin_StallsOnOnePoint()
    {
        IReadOnlyList<FrozenTrial> trials = await RunIntegerProblemAsync(withMargin: false, seed: 4);

        DistinctPoints(trials.Skip(300)).ShouldBeLessThanOrEqualTo(2);
    }
}
