using System.Collections.Immutable;
using System.Text.Json;
using Vernier.Distributions;
using Vernier.Samplers;
using Vernier.Samplers.GaussianProcess;
using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.GaussianProcess;

public class GpSamplerTests
{
    private const double BraninMinimum = 0.397887;

    private static readonly SearchSpace BraninSpace = new(
    [
        new ParameterSpec("x0", new FloatDistribution(-5, 10)),
        new ParameterSpec("x1", new FloatDistribution(0, 15)),
    ]);

    private static double Branin(IReadOnlyDictionary<string, object?> p)
    {
        double x0 = (double)p["x0"]!;
        double x1 = (double)p["x1"]!;
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        return Math.Pow(x1 - (b * x0 * x0) + (c * x0) - 6, 2) + (10 * (1 - t) * Math.Cos(x0)) + 10;
    }

    private static async Task<double> BestBraninAsync(Sampler sampler, ulong seed, bool maximize = false)
    {
        StudyBuilder builder = Study.Builder("branin").WithSampler(sampler).WithSeed(seed);
        await using Study study = await (maximize ? builder.Maximize() : builder).CreateAsync();
        await study.OptimizeAsync(t => maximize ? -Branin(t.Params) : Branin(t.Params), new OptimizeOptions { NTrials = 40, SearchSpace = BraninSpace });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        return trials.Where(t => t.State == TrialState.Complete).Min(t => maximize ? -t.Value!.Value : t.Value!.Value);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    [Fact]
    public async Task NormalPrior1D_30Trials_MedianBestFarBelowRandomSampler()
    {
        // The optimum lies 1.5 standard deviations from the prior's mean, at 0.93 in unit coordinates.
        var space = new SearchSpace([new ParameterSpec("x", new NormalDistribution(0, 1))]);
        static double Objective(IReadOnlyDictionary<string, object?> p) => Math.Pow((double)p["x"]! - 1.5, 2);

        async Task<double> Best(Sampler sampler, ulong seed)
        {
            await using Study study = await Study.Builder("normal-gp").WithSampler(sampler).WithSeed(seed).CreateAsync();
            await study.OptimizeAsync(t => Objective(t.Params), new OptimizeOptions { NTrials = 30, SearchSpace = space });
            return (await study.GetBestTrialAsync())!.Value!.Value;
        }

        var gp = new List<double>();
        var random = new List<double>();
        for (ulong seed = 1; seed <= 5; seed++)
        {
            gp.Add(await Best(new GpSampler(), seed));
            random.Add(await Best(new RandomSampler(), seed));
        }

        Median(gp).ShouldBeLessThan(Median(random) / 10, $"gp {string.Join(", ", gp)} vs random {string.Join(", ", random)}");
    }

    [Fact]
    public async Task Branin_40Trials_MedianRegretFarBelowRandomSampler()
    {
        var gp = new List<double>();
        var random = new List<double>();
        for (ulong seed = 1; seed <= 5; seed++)
        {
            gp.Add(await BestBraninAsync(new GpSampler(), seed) - BraninMinimum);
            random.Add(await BestBraninAsync(new RandomSampler(), seed) - BraninMinimum);
        }

        double gpMedian = Median(gp);
        double randomMedian = Median(random);
        gpMedian.ShouldBeLessThan(0.05);
        gpMedian.ShouldBeLessThan(randomMedian / 10, $"gp {string.Join(", ", gp)} vs random {string.Join(", ", random)}");
    }

    [Fact]
    public async Task Branin_Maximized_FindsTheOptimumToo()
    {
        double best = await BestBraninAsync(new GpSampler(), seed: 3, maximize: true);
        (best - BraninMinimum).ShouldBeLessThan(0.1);
    }

    [Fact]
    public async Task OutcomeConstraint_ConvergesToTheBestFeasiblePoint()
    {
        // Minimize (x − 0.2)² + (y − 0.2)² subject to x ≥ 0.5: optimum 0.09 at (0.5, 0.2).
        var space = new SearchSpace([new ParameterSpec("x", new FloatDistribution(0, 1)), new ParameterSpec("y", new FloatDistribution(0, 1))]);
        await using Study study = await Study.Builder("constrained").WithSampler(new GpSampler()).WithSeed(8).CreateAsync();
        await study.OptimizeAsync(
            t =>
            {
                double x = (double)t.Params["x"]!;
                double y = (double)t.Params["y"]!;
                t.ReportConstraints(0.5 - x);
                return ((x - 0.2) * (x - 0.2)) + ((y - 0.2) * (y - 0.2));
            },
            new OptimizeOptions { NTrials = 30, SearchSpace = space });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        double bestFeasible = trials.Where(t => t.IsFeasible).Min(t => t.Value!.Value);
        bestFeasible.ShouldBeLessThan(0.1);
        int feasibleAfterStartup = trials.Skip(10).Count(t => t.IsFeasible);
        feasibleAfterStartup.ShouldBeGreaterThanOrEqualTo(12, "the model should mostly propose feasible points");
    }

    [Fact]
    public async Task DiscreteSpace_IntegersStepsAndCategoricals_FindsTheOptimumOnTheGrid()
    {
        var space = new SearchSpace(
        [
            new ParameterSpec("layers", new IntDistribution(1, 12)),
            new ParameterSpec("units", new IntDistribution(8, 512, log: true)),
            new ParameterSpec("dropout", new FloatDistribution(0, 0.5, step: 0.05)),
            new ParameterSpec("activation", new CategoricalDistribution(["relu", "tanh", "gelu", "elu"])),
        ]);
        await using Study study = await Study.Builder("discrete").WithSampler(new GpSampler()).WithSeed(4).CreateAsync();
        await study.OptimizeAsync(
            t =>
            {
                double layers = (long)t.Params["layers"]!;
                double units = Math.Log2((long)t.Params["units"]!);
                double dropout = (double)t.Params["dropout"]!;
                double penalty = (string)t.Params["activation"]! == "gelu" ? 0 : 1;
                return ((layers - 7) * (layers - 7) / 10) + ((units - 6) * (units - 6) / 5) + (10 * (dropout - 0.2) * (dropout - 0.2)) + penalty;
            },
            new OptimizeOptions { NTrials = 40, SearchSpace = space });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        foreach (FrozenTrial trial in trials)
        {
            space.Validate(trial.Params).ShouldBeEmpty();
        }

        trials.Min(t => t.Value!.Value).ShouldBeLessThan(0.15);
    }

    [Fact]
    public async Task ExtremeAndConstantValues_DoNotBreakSampling()
    {
        await using Study huge = await Study.Builder("huge").WithSampler(new GpSampler(new GpSamplerOptions { NStartupTrials = 3 })).WithSeed(2).CreateAsync();
        await huge.OptimizeAsync(t => (double)t.Params["x0"]! * 1e307, new OptimizeOptions { NTrials = 8, SearchSpace = BraninSpace });
        (await huge.GetTrialsAsync()).ShouldAllBe(t => t.State == TrialState.Complete);

        await using Study flat = await Study.Builder("flat").WithSampler(new GpSampler(new GpSamplerOptions { NStartupTrials = 3 })).WithSeed(2).CreateAsync();
        await flat.OptimizeAsync(_ => 1.0, new OptimizeOptions { NTrials = 8, SearchSpace = BraninSpace });
        (await flat.GetTrialsAsync()).ShouldAllBe(t => t.State == TrialState.Complete);
    }

    [Fact]
    public async Task ForbiddenRegionAroundTheOptimum_TrialsStillGetAllowedParameters()
    {
        // The unconstrained optimum (0.5, 0.5) is forbidden: the model keeps proposing near it, and
        // after two forbidden model proposals the trial is drawn at random instead of failing.
        var space = new SearchSpace(
            [new ParameterSpec("x", new FloatDistribution(0, 1)), new ParameterSpec("y", new FloatDistribution(0, 1))],
            [new ForbiddenCombination(Condition.All(Condition.Compare("x", Comparison.GreaterThan, 0.3), Condition.Compare("x", Comparison.LessThan, 0.7)))]);
        await using Study study = await Study.Builder("forbidden").WithSampler(new GpSampler()).WithSeed(6).CreateAsync();
        await study.OptimizeAsync(
            t => Math.Pow((double)t.Params["x"]! - 0.5, 2) + Math.Pow((double)t.Params["y"]! - 0.5, 2),
            new OptimizeOptions { NTrials = 25, SearchSpace = space });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.ShouldAllBe(t => t.State == TrialState.Complete);
        trials.ShouldAllBe(t => (double)t.Params["x"]! <= 0.3 || (double)t.Params["x"]! >= 0.7);
    }

    [Fact]
    public async Task AfterStartup_StoresHyperparametersForTheNextTrial()
    {
        await using Study study = await Study.Builder("attributes").WithSampler(new GpSampler(new GpSamplerOptions { NStartupTrials = 5 })).WithSeed(1).CreateAsync();
        await study.OptimizeAsync(t => Branin(t.Params), new OptimizeOptions { NTrials = 8, SearchSpace = BraninSpace });
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.Take(5).ShouldAllBe(t => !t.SystemAttributes.ContainsKey(GpSampler.HyperparametersAttribute));
        trials.Skip(5).ShouldAllBe(t => t.SystemAttributes.ContainsKey(GpSampler.HyperparametersAttribute));
    }

    [Fact]
    public async Task SeveralObjectives_ThrowsAClearError()
    {
        await using Study study = await Study.Builder("multi").WithSampler(new GpSampler())
            .WithDirections(StudyDirection.Minimize, StudyDirection.Maximize).CreateAsync();
        VernierException error = await Should.ThrowAsync<VernierException>(() => study.AskAsync(BraninSpace));
        error.Message.ShouldBe("the gp sampler optimizes a single objective, but this study has 2; use nsga2, tpe, auto or random for several objectives.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RunningTrial_IsTreatedAsAConstantLiar(bool allInfeasible)
    {
        var distribution = new FloatDistribution(0, 1);
        var history = new List<FrozenTrial>();
        for (int i = 0; i < 12; i++)
        {
            double x = (i + 0.5) / 12;
            history.Add(Trial(i, TrialState.Complete, x, Math.Sin(7 * x), allInfeasible ? 1 + Math.Cos(5 * x) : null));
        }

        var sampler = new GpSampler(new GpSamplerOptions { DeterministicObjective = true });
        var space = ImmutableDictionary<string, ParameterDistribution>.Empty.Add("x", distribution);
        double first = sampler.SampleRelative(Context(12, history), space)["x"];

        history.Add(Trial(12, TrialState.Running, first, null, null));
        double second = sampler.SampleRelative(Context(13, history), space)["x"];
        Math.Abs(second - first).ShouldBeGreaterThan(0.01);

        static FrozenTrial Trial(int number, TrialState state, double x, double? value, double? constraint) => new()
        {
            TrialId = number,
            Number = number,
            State = state,
            Values = value is double v ? [v] : [],
            Parameters = ImmutableDictionary<string, TrialParameter>.Empty.Add("x", new TrialParameter(new FloatDistribution(0, 1), x)),
            SystemAttributes = constraint is double c
                ? ImmutableDictionary<string, JsonElement>.Empty.Add(SystemAttributes.Constraints, JsonSerializer.SerializeToElement(new[] { c }))
                : ImmutableDictionary<string, JsonElement>.Empty,
        };

        // The same trial number both times: the same random streams, so only the running trial differs.
        static SamplerContext Context(int id, List<FrozenTrial> trials) =>
            new(1, [StudyDirection.Minimize], new FrozenTrial { TrialId = id, Number = 12, State = TrialState.Running }, [.. trials]);
    }

    [Fact]
    public void Options_OutOfRange_AreRejected()
    {
        Should.Throw<ArgumentException>(() => new GpSampler(new GpSamplerOptions { NStartupTrials = -1 })).Message.ShouldContain("NStartupTrials");
        Should.Throw<ArgumentException>(() => new GpSampler(new GpSamplerOptions { MaxObservations = 2 })).Message.ShouldContain("MaxObservations");
    }
}
