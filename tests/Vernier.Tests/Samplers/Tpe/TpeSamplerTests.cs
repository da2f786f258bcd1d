using Vernier.Distributions;
using Vernier.Samplers;
using Vernier.Samplers.Tpe;
using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.Tpe;

public class TpeSamplerTests
{
    private static readonly SearchSpace Quadratic4D = new(
    [
        new ParameterSpec("a", new FloatDistribution(-5, 5)),
        new ParameterSpec("b", new FloatDistribution(-5, 5)),
        new ParameterSpec("c", new IntDistribution(-10, 10)),
        new ParameterSpec("d", new FloatDistribution(1e-3, 10, log: true)),
    ]);

    private static double QuadraticObjective(IReadOnlyDictionary<string, object?> p) =>
        Math.Pow((double)p["a"]! - 1.2, 2) + Math.Pow((double)p["b"]! + 0.7, 2) +
        0.1 * Math.Pow((long)p["c"]! - 3, 2) + Math.Pow(Math.Log10((double)p["d"]!) + 1, 2);

    private static async Task<double> BestAsync(Sampler sampler, ulong seed, int trials)
    {
        await using Study study = await Study.Builder("quality").WithSampler(sampler).WithSeed(seed).CreateAsync();
        await study.OptimizeAsync(trial => QuadraticObjective(trial.Params), new OptimizeOptions { NTrials = trials, SearchSpace = Quadratic4D });
        return (await study.GetBestTrialAsync())!.Value!.Value;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Optimize_Quadratic4D_MedianBestBeatsRandomClearly(bool multivariate)
    {
        var tpe = new List<double>();
        var random = new List<double>();
        for (ulong seed = 1; seed <= 5; seed++)
        {
            tpe.Add(await BestAsync(new TpeSampler(new TpeSamplerOptions { Multivariate = multivariate }), seed, 60));
            random.Add(await BestAsync(new RandomSampler(), seed, 60));
        }

        Median(tpe).ShouldBeLessThan(0.5 * Median(random), $"tpe {string.Join(", ", tpe)}; random {string.Join(", ", random)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Optimize_NormalPriors_MedianBestBeatsRandom(bool multivariate)
    {
        // The priors are roughly right, as a user's would be: optima 0.8 standard deviations from the mean (x)
        // and at e^-4 where the log-normal's median is e^-5 (y).
        var space = new SearchSpace(
        [
            new ParameterSpec("x", new NormalDistribution(0, 1)),
            new ParameterSpec("y", new NormalDistribution(-5, 1.5, log: true)),
        ]);
        static double Objective(IReadOnlyDictionary<string, object?> p) =>
            Math.Pow((double)p["x"]! - 0.8, 2) + Math.Pow(Math.Log((double)p["y"]!) + 4, 2);

        async Task<double> Best(Sampler sampler, ulong seed)
        {
            await using Study study = await Study.Builder("normal-quality").WithSampler(sampler).WithSeed(seed).CreateAsync();
            await study.OptimizeAsync(trial => Objective(trial.Params), new OptimizeOptions { NTrials = 50, SearchSpace = space });
            return (await study.GetBestTrialAsync())!.Value!.Value;
        }

        var tpe = new List<double>();
        var random = new List<double>();
        for (ulong seed = 1; seed <= 5; seed++)
        {
            tpe.Add(await Best(new TpeSampler(new TpeSamplerOptions { Multivariate = multivariate }), seed));
            random.Add(await Best(new RandomSampler(), seed));
        }

        Median(tpe).ShouldBeLessThan(0.5 * Median(random), $"tpe {string.Join(", ", tpe)}; random {string.Join(", ", random)}");
    }

    [Fact]
    public async Task Optimize_WithOutcomeConstraint_MostlyAvoidsTheInfeasibleRegion()
    {
        // The unconstrained optimum (the origin) is infeasible: x + y must be at least 1.
        async Task<double> InfeasibleShareAsync(Sampler sampler, ulong seed)
        {
            await using Study study = await Study.Builder("constrained").WithSampler(sampler).WithSeed(seed).CreateAsync();
            await study.OptimizeAsync(
                trial =>
                {
                    double x = trial.SuggestFloat("x", -2, 2);
                    double y = trial.SuggestFloat("y", -2, 2);
                    trial.ReportConstraints(1 - x - y);
                    return x * x + y * y;
                },
                new OptimizeOptions { NTrials = 60 });
            IReadOnlyList<FrozenTrial> late = [.. (await study.GetTrialsAsync()).Where(t => t.Number >= 20)];
            // Clearly infeasible: further than 0.5 from the boundary. Near the boundary (where the constrained optimum is) both sides are fair.
            return late.Count(t => t.ConstraintViolation > 0.5) / (double)late.Count;
        }

        for (ulong seed = 1; seed <= 3; seed++)
        {
            double tpe = await InfeasibleShareAsync(new TpeSampler(), seed);
            double random = await InfeasibleShareAsync(new RandomSampler(), seed);
            tpe.ShouldBeLessThan(0.3, $"seed {seed}: random {random}");
            tpe.ShouldBeLessThan(0.5 * random, $"seed {seed}");
        }
    }

    [Fact]
    public async Task ParallelAsks_WithConstantLiar_SpreadMoreThanWithout()
    {
        async Task<double> SpreadAsync(bool liar, ulong seed)
        {
            await using Study study = await Study.Builder("liar")
                .WithSampler(new TpeSampler(new TpeSamplerOptions { ConstantLiar = liar }))
                .WithSeed(seed)
                .CreateAsync();
            await study.OptimizeAsync(trial => Math.Abs(trial.SuggestFloat("x", 0, 10) - 3), new OptimizeOptions { NTrials = 20 });
            var pending = new List<double>();
            for (int i = 0; i < 8; i++)
            {
                Trial trial = await study.AskAsync();
                pending.Add(trial.SuggestFloat("x", 0, 10));
            }

            pending.Distinct().Count().ShouldBe(pending.Count);
            double mean = pending.Average();
            return Math.Sqrt(pending.Sum(v => (v - mean) * (v - mean)) / pending.Count);
        }

        double withLiar = 0, without = 0;
        for (ulong seed = 1; seed <= 5; seed++)
        {
            withLiar += await SpreadAsync(true, seed);
            without += await SpreadAsync(false, seed);
        }

        withLiar.ShouldBeGreaterThan(without);
    }

    [Fact]
    public async Task MultiObjective_SamplesValidParametersAndImprovesTheFront()
    {
        await using Study study = await Study.Builder("motpe")
            .WithSampler(new TpeSampler(new TpeSamplerOptions { Multivariate = true }))
            .WithDirections(StudyDirection.Minimize, StudyDirection.Minimize)
            .WithSeed(4)
            .CreateAsync();
        await study.OptimizeAsync(
            (trial, _) =>
            {
                double x = trial.SuggestFloat("x", 0, 1);
                double y = trial.SuggestFloat("y", 0, 1);
                if (trial.Number % 7 == 3)
                {
                    throw new TrialPrunedException();
                }

                return Task.FromResult<IReadOnlyList<double>>([x + y * y, (1 - x) + y * y]);
            },
            new OptimizeOptions { NTrials = 50 });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Count.ShouldBe(50);
        // The front lies on y = 0; after start-up the model should propose small y more often than random (mean 0.5).
        trials.Where(t => t.Number >= 25 && t.State == TrialState.Complete).Average(t => (double)t.Params["y"]!).ShouldBeLessThan(0.35);
    }

    [Fact]
    public async Task SameSeed_InMultiObjectiveStudy_GivesSameSuggestions()
    {
        async Task<string> RunAsync()
        {
            await using Study study = await Study.Builder("mo-repro").WithSampler(new TpeSampler())
                .WithDirections(StudyDirection.Minimize, StudyDirection.Maximize).WithSeed(8).CreateAsync();
            await study.OptimizeAsync(
                (trial, _) =>
                {
                    double x = trial.SuggestFloat("x", 0, 1);
                    string kind = trial.SuggestCategorical("kind", ["p", "q", "r"]);
                    return Task.FromResult<IReadOnlyList<double>>([x * (kind == "p" ? 1 : 2), x]);
                },
                new OptimizeOptions { NTrials = 25 });
            return string.Join(";", (await study.GetTrialsAsync()).Select(t => $"{t.Params["x"]}/{t.Params["kind"]}"));
        }

        (await RunAsync()).ShouldBe(await RunAsync());
    }

    [Fact]
    public void Options_OutOfRange_AreRejectedWithTheirNames()
    {
        Should.Throw<ArgumentException>(() => new TpeSampler(new TpeSamplerOptions { EiCandidates = 0 })).Message.ShouldContain("n_ei_candidates");
        Should.Throw<ArgumentException>(() => new TpeSampler(new TpeSamplerOptions { StartupTrials = -1 })).Message.ShouldContain("n_startup_trials");
        Should.Throw<ArgumentException>(() => new TpeSampler(new TpeSamplerOptions { PriorWeight = 0 })).Message.ShouldContain("prior_weight");
        Should.Throw<ArgumentException>(() => new TpeSampler(new TpeSamplerOptions { Group = true })).Message.ShouldContain("multivariate");
    }

    [Fact]
    public void DefaultGamma_IsTenPercentRoundedUpAtMost25() =>
        new[] { 0, 1, 10, 11, 100, 250, 251, 5000 }.Select(TpeSamplerOptions.DefaultGamma).ShouldBe([0, 1, 1, 2, 10, 25, 25, 25]);

    [Fact]
    public void RecencyWeights_RampOnlyBeyond25Observations()
    {
        TpeSampler.RecencyWeights(25).ShouldAllBe(w => w == 1.0);
        double[] weights = TpeSampler.RecencyWeights(100);
        weights[0].ShouldBe(0.01, 1e-12);
        weights[74].ShouldBe(1.0, 1e-12);
        weights.Skip(75).ShouldAllBe(w => w == 1.0);
        weights.Take(75).ShouldBe(weights.Take(75).Order());
    }
}
