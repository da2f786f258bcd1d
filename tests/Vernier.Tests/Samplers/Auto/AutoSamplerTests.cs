using Vernier.Distributions;
using Vernier.Pruners;
using Vernier.Samplers;
using Vernier.Samplers.Auto;
using Vernier.SearchSpaces;
using Vernier.Studies;
using Vernier.Testing;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.Auto;

public class AutoSamplerConformanceTests : SamplerConformanceTests
{
    protected override int TrialCount => 30;

    protected override Sampler CreateSampler(SearchSpace space) => new AutoSampler();
}

public class AutoSamplerTests
{
    [Fact]
    public async Task NumericSingleObjective_UsesGp_ThenHandsOverToCmaEs()
    {
        await using Study study = await Study.Builder("numeric").WithSampler(new AutoSampler(new AutoSamplerOptions { GpTrials = 15 })).WithSeed(1).CreateAsync();
        await study.OptimizeAsync(t => Math.Pow(t.SuggestFloat("x", -3, 3) - 1, 2) + Math.Pow(t.SuggestInt("n", 0, 8) - 2, 2), new OptimizeOptions { NTrials = 30 });

        string[] chosen = await ChosenAsync(study);
        chosen[..15].ShouldAllBe(c => c == "gp");
        chosen[15..].ShouldAllBe(c => c == "cmaes");
        (await study.GetBestTrialAsync())!.Value!.Value.ShouldBeLessThan(0.5);
    }

    [Fact]
    public async Task CategoricalParameter_UsesGp_ThenHandsOverToTpe()
    {
        await using Study study = await Study.Builder("mixed").WithSampler(new AutoSampler(new AutoSamplerOptions { GpTrials = 12 })).WithSeed(2).CreateAsync();
        await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1) + (t.SuggestCategorical("act", ["relu", "tanh"]) == "relu" ? 0 : 1), new OptimizeOptions { NTrials = 20 });
        string[] chosen = await ChosenAsync(study);
        chosen[..12].ShouldAllBe(c => c == "gp");
        chosen[12..].ShouldAllBe(c => c == "tpe");
    }

    [Fact]
    public async Task ConditionalParameters_UseTpe()
    {
        await using Study study = await Study.Builder("conditional").WithSampler(new AutoSampler()).WithSeed(3).CreateAsync();
        await study.OptimizeAsync(
            t =>
            {
                int layers = t.SuggestInt("layers", 1, 3);
                return layers + (layers > 1 ? t.SuggestFloat("dropout", 0, 0.5) : 0);
            },
            new OptimizeOptions { NTrials = 20 });

        string[] chosen = await ChosenAsync(study);
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        int firstConditional = trials.Where(t => t.Parameters.Count != trials[0].Parameters.Count).Min(t => t.Number);
        chosen[(firstConditional + 1)..].ShouldAllBe(c => c == "tpe");
    }

    [Fact]
    public async Task PrunedTrial_HandsOverToTpe_WhichLearnsFromPrunedTrials()
    {
        await using Study study = await Study.Builder("pruned").WithSampler(new AutoSampler()).WithPruner(new ThresholdPruner(upper: 1.0)).WithSeed(5).CreateAsync();
        await study.OptimizeAsync(
            t =>
            {
                double x = t.SuggestFloat("x", 0, 4);
                t.Report(x, 0);
                if (t.ShouldPrune())
                {
                    throw new TrialPrunedException();
                }

                return x;
            },
            new OptimizeOptions { NTrials = 20 });

        string[] chosen = await ChosenAsync(study);
        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        int firstPruned = trials.Where(t => t.State == TrialState.Pruned).Min(t => t.Number);
        chosen[..(firstPruned + 1)].ShouldAllBe(c => c == "gp");
        chosen[(firstPruned + 1)..].ShouldAllBe(c => c == "tpe");
    }

    [Fact]
    public async Task SeveralObjectives_UseNsga2()
    {
        await using Study study = await Study.Builder("pareto").WithDirections(StudyDirection.Minimize, StudyDirection.Minimize).WithSampler(new AutoSampler()).WithSeed(4).CreateAsync();
        await study.OptimizeAsync(
            (t, _) =>
            {
                double x = t.SuggestFloat("x", 0, 1);
                return Task.FromResult<IReadOnlyList<double>>([x, 1 - x]);
            },
            new OptimizeOptions { NTrials = 5 });
        (await ChosenAsync(study)).ShouldAllBe(c => c == "nsga2");
    }

    [Fact]
    public async Task Choice_IsRepeatedExactlyByAResumedStudy()
    {
        var space = new SearchSpace([new ParameterSpec("x", new FloatDistribution(-2, 2)), new ParameterSpec("y", new FloatDistribution(-2, 2))]);
        var storage = new Vernier.Storage.InMemoryStorage();
        Func<Trial, double> objective = t => Math.Pow((double)t.Params["x"]!, 2) + Math.Abs((double)t.Params["y"]! - 0.5);
        var options = new AutoSamplerOptions { GpTrials = 12 };
        await using (Study first = await Study.Builder("resume").UseStorage(storage).WithSampler(new AutoSampler(options)).WithSeed(5).CreateAsync())
        {
            await first.OptimizeAsync(objective, new OptimizeOptions { TotalTrials = 16, SearchSpace = space });
        }

        await using Study resumed = await Study.Builder("resume").UseStorage(storage).WithSampler(new AutoSampler(options)).LoadAsync();
        await resumed.OptimizeAsync(objective, new OptimizeOptions { TotalTrials = 30, SearchSpace = space });
        await using Study straight = await Study.Builder("straight").WithSampler(new AutoSampler(options)).WithSeed(5).CreateAsync();
        await straight.OptimizeAsync(objective, new OptimizeOptions { TotalTrials = 30, SearchSpace = space });

        (await resumed.GetTrialsAsync()).Select(t => t.Params["x"]).ShouldBe((await straight.GetTrialsAsync()).Select(t => t.Params["x"]));
    }

    [Fact]
    public void Options_OutOfRange_AreRejected() =>
        Should.Throw<ArgumentException>(() => new AutoSampler(new AutoSamplerOptions { GpTrials = 0 })).Message.ShouldBe("GpTrials must be at least 1, got 0.");

    private static async Task<string[]> ChosenAsync(Study study) =>
        [.. (await study.GetTrialsAsync()).OrderBy(t => t.Number).Select(t => t.SystemAttributes[AutoSampler.ChosenSamplerAttribute].GetString()!)];
}
