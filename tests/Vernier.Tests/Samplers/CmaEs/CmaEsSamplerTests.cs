using System.Text.Json;
using Vernier.Samplers;
using Vernier.Samplers.CmaEs;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Samplers.CmaEs;

public class CmaEsSamplerTests
{
    private static double Sphere3(Trial trial)
    {
        double x = trial.SuggestFloat("x", -5, 5), y = trial.SuggestFloat("y", -5, 5), z = trial.SuggestFloat("z", -5, 5);
        return (x - 1) * (x - 1) + (y + 2) * (y + 2) + (z - 0.5) * (z - 0.5);
    }

    private static async Task<IReadOnlyList<FrozenTrial>> RunAsync(
        Sampler sampler, Func<Trial, double> objective, int totalTrials, ulong seed = 1, IStorage? storage = null, StudyDirection direction = StudyDirection.Minimize)
    {
        StudyBuilder builder = Study.Builder("cmaes").WithSampler(sampler).WithSeed(seed).WithDirections(direction);
        if (storage is not null)
        {
            builder.UseStorage(storage);
        }

        await using Study study = await builder.CreateOrLoadAsync();
        await study.OptimizeAsync(objective, new OptimizeOptions { TotalTrials = totalTrials });
        return await study.GetTrialsAsync();
    }

    private static CmaEsState? StateOf(FrozenTrial trial) =>
        trial.SystemAttributes.TryGetValue(CmaEsSampler.StateAttribute, out JsonElement e) ? CmaEsState.FromJson(e) : null;

    private static string Fingerprint(FrozenTrial t) =>
        string.Join(";", t.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.InternalValue:R}")) +
        "|" + string.Join(";", t.SystemAttributes.OrderBy(a => a.Key, StringComparer.Ordinal).Where(a => a.Key.StartsWith("cmaes:", StringComparison.Ordinal)).Select(a => a.Key + "=" + a.Value.GetRawText()));

    [Fact]
    public async Task Trials_RecordGenerationRestartAndOneStatePerGeneration()
    {
        IReadOnlyList<FrozenTrial> trials = await RunAsync(new CmaEsSampler(), Sphere3, 60);

        FrozenTrial[] sampled = [.. trials.Where(t => t.SystemAttributes.ContainsKey(CmaEsSampler.GenerationAttribute))];
        sampled.Length.ShouldBe(59); // the first trial is random: the joint space is not known yet
        sampled.ShouldAllBe(t => t.SystemAttributes.ContainsKey(CmaEsSampler.RestartAttribute) && t.SystemAttributes.ContainsKey(CmaEsSampler.PointAttribute));
        var byGeneration = sampled.GroupBy(t => t.SystemAttributes[CmaEsSampler.GenerationAttribute].GetInt32()).ToList();
        byGeneration.Count.ShouldBeGreaterThan(5);
        foreach (var generation in byGeneration)
        {
            generation.Count(t => StateOf(t) is not null).ShouldBe(1);
            StateOf(generation.First()).ShouldNotBeNull().Generation.ShouldBe(generation.Key);
            generation.Count().ShouldBeLessThanOrEqualTo(StateOf(generation.First())!.PopulationSize);
        }
    }

    [Fact]
    public async Task Sphere_ConvergesAndSigmaShrinks()
    {
        IReadOnlyList<FrozenTrial> trials = await RunAsync(new CmaEsSampler(), Sphere3, 400);

        trials.Min(t => t.Value!.Value).ShouldBeLessThan(1e-3);
        CmaEsState first = trials.Select(StateOf).First(s => s is not null)!;
        CmaEsState last = trials.Select(StateOf).Last(s => s is not null)!;
        last.Sigma.ShouldBeLessThan(first.Sigma / 10);
    }

    [Fact]
    public async Task Maximize_FindsTheMaximum()
    {
        IReadOnlyList<FrozenTrial> trials = await RunAsync(new CmaEsSampler(), t => -Sphere3(t), 300, direction: StudyDirection.Maximize);

        trials.Max(t => t.Value!.Value).ShouldBeGreaterThan(-1e-2);
    }

    [Fact]
    public async Task ResumeInTheMiddleOfAGeneration_EqualsTheUninterruptedStudy()
    {
        // λ = 7 for three parameters: 26 trials stop mid-generation.
        var storage = new InMemoryStorage();
        await RunAsync(new CmaEsSampler(), Sphere3, 26, seed: 5, storage: storage);
        IReadOnlyList<FrozenTrial> resumed = await RunAsync(new CmaEsSampler(), Sphere3, 60, seed: 5, storage: storage);
        IReadOnlyList<FrozenTrial> straight = await RunAsync(new CmaEsSampler(), Sphere3, 60, seed: 5);

        resumed.Select(Fingerprint).ShouldBe(straight.Select(Fingerprint));
        StateOf(resumed[25]).ShouldBeNull(); // trial 26 (index 25) is mid-generation indeed
    }

    [Fact]
    public async Task ParallelAsksWithinAGeneration_GetDistinctMembersOfThatGeneration()
    {
        await using Study study = await Study.Builder("parallel").WithSampler(new CmaEsSampler()).WithSeed(2).CreateAsync();
        await study.OptimizeAsync(Sphere3, new OptimizeOptions { NTrials = 2 });
        var pending = new List<Trial>();
        for (int i = 0; i < 5; i++)
        {
            Trial trial = await study.AskAsync();
            Sphere3(trial);
            pending.Add(trial);
        }

        FrozenTrial[] asked = [.. (await study.GetTrialsAsync()).Where(t => t.State == TrialState.Running)];
        asked.Length.ShouldBe(5);
        asked.Select(t => t.SystemAttributes[CmaEsSampler.GenerationAttribute].GetInt32()).Distinct().Count().ShouldBe(1);
        asked.Select(t => $"{t.Params["x"]},{t.Params["y"]},{t.Params["z"]}").Distinct().Count().ShouldBe(5);
    }

    [Fact]
    public async Task FailedAndPrunedTrials_DoNotCountTowardsAGeneration()
    {
        int calls = 0;
        IReadOnlyList<FrozenTrial> trials = await RunAsync(
            new CmaEsSampler(new CmaEsSamplerOptions { PopulationSize = 4 }),
            trial =>
            {
                double v = Sphere3(trial);
                return ++calls % 3 == 0 ? throw new InvalidOperationException("boom") : v;
            },
            40);

        foreach (var generation in trials.Where(t => t.SystemAttributes.ContainsKey(CmaEsSampler.GenerationAttribute))
                     .GroupBy(t => t.SystemAttributes[CmaEsSampler.GenerationAttribute].GetInt32()).SkipLast(1))
        {
            generation.Count(t => t.State == TrialState.Complete).ShouldBe(4);
        }
    }

    [Fact]
    public async Task Ipop_OnAMultimodalFunction_RestartsWithALargerPopulation()
    {
        static double Rastrigin(Trial trial)
        {
            double x = trial.SuggestFloat("x", -5.12, 5.12), y = trial.SuggestFloat("y", -5.12, 5.12);
            return 20 + x * x - 10 * Math.Cos(2 * Math.PI * x) + y * y - 10 * Math.Cos(2 * Math.PI * y);
        }

        IReadOnlyList<FrozenTrial> trials = await RunAsync(new CmaEsSampler(), Rastrigin, 1200, seed: 8);

        CmaEsState[] states = [.. trials.Select(StateOf).OfType<CmaEsState>()];
        CmaEsState firstRestart = states.First(s => s.Restart == 1);
        firstRestart.PopulationSize.ShouldBe(2 * states[0].PopulationSize);
        states.Max(s => s.Restart).ShouldBeGreaterThanOrEqualTo(1);
        trials.Count(t => t.SystemAttributes.TryGetValue(CmaEsSampler.RestartAttribute, out JsonElement r) && r.GetInt32() >= 1).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task NoRestartStrategy_NeverRestarts()
    {
        static double Flat(Trial trial) => trial.SuggestFloat("x", 0, 1) * 0 + trial.SuggestFloat("y", 0, 1) * 0;

        IReadOnlyList<FrozenTrial> trials = await RunAsync(new CmaEsSampler(new CmaEsSamplerOptions { RestartStrategy = CmaEsRestartStrategy.None }), Flat, 300);

        trials.Select(StateOf).OfType<CmaEsState>().ShouldAllBe(s => s.Restart == 0);
    }

    [Fact]
    public void State_RoundTripsThroughJsonExactly()
    {
        var space = new CmaEsSpace(["a", "b"], [new Vernier.Distributions.FloatDistribution(0, 1), new Vernier.Distributions.IntDistribution(1, 9)]);
        CmaEsState state = CmaEsEngine.Initial(space, [0.1 / 3, Math.PI / 10], 0.123456789012345678, new double[,] { { 1.0 / 3, 1e-17 }, { 1e-17, 2.0 / 7 } }, 6, 12, 2, 1.0 / 6)
            with { PathSigma = [1.0 / 7, -2.0 / 9], PathC = [double.Epsilon, -1e300], Margin = [1, 1.7], BestValues = [0.1, 0.2 / 3] };

        JsonElement json = state.ToJson();
        CmaEsState back = CmaEsState.FromJson(JsonDocument.Parse(json.GetRawText()).RootElement).ShouldNotBeNull();

        back.ToJson().GetRawText().ShouldBe(json.GetRawText());
        back.Sigma.ShouldBe(state.Sigma);
        back.Mean.ShouldBe(state.Mean);
        back.Covariance[0].ShouldBe(state.Covariance[0]);
        back.PathC.ShouldBe(state.PathC);
        back.Generation.ShouldBe(12);
        back.Restart.ShouldBe(2);
        json.GetProperty("population_size").GetInt32().ShouldBe(6);
    }

    [Fact]
    public void State_Unreadable_IsNull() =>
        CmaEsState.FromJson(JsonDocument.Parse("""{"version": 1, "mean": [0.5]}""").RootElement).ShouldBeNull();

    [Fact]
    public async Task MultiObjectiveStudy_FailsWithAClearMessage()
    {
        await using Study study = await Study.Builder("mo").WithSampler(new CmaEsSampler()).WithDirections(StudyDirection.Minimize, StudyDirection.Minimize).CreateAsync();

        Exception e = await Should.ThrowAsync<VernierException>(() => study.AskAsync());

        e.Message.ShouldContain("single objective");
    }

    [Theory]
    [InlineData(0.0, null, 2, 1)]
    [InlineData(1.5, null, 2, 1)]
    [InlineData(null, 1, 2, 1)]
    [InlineData(null, null, 0, 1)]
    [InlineData(null, null, 2, -1)]
    public void Options_OutOfRange_AreRejected(double? sigma0, int? popsize, int incPopSize, int startup) =>
        Should.Throw<ArgumentException>(() => new CmaEsSampler(new CmaEsSamplerOptions
        {
            Sigma0 = sigma0,
            PopulationSize = popsize,
            IncPopSize = incPopSize,
            NStartupTrials = startup,
        }));

    [Fact]
    public async Task WarmStart_StartsNearTheSourceStudysBestTrials()
    {
        IReadOnlyList<FrozenTrial> source = await RunAsync(new RandomSampler(), Sphere3, 200, seed: 21);
        var sampler = new CmaEsSampler(new CmaEsSamplerOptions { SourceTrials = source });

        IReadOnlyList<FrozenTrial> trials = await RunAsync(sampler, Sphere3, 2, seed: 22);

        CmaEsState initial = StateOf(trials[1]).ShouldNotBeNull();
        double[] optimum = [0.6, 0.3, 0.55]; // (1, −2, 0.5) in the unit cube of [−5, 5]³
        for (int i = 0; i < 3; i++)
        {
            initial.Mean[i].ShouldBe(optimum[i], 0.15);
        }

        initial.Sigma.ShouldBeGreaterThanOrEqualTo(CmaEsWarmStart.Alpha); // the shrinkage term α²I bounds σ0 below
    }

    [Fact]
    public async Task Quality_BeatsRandomSearchOnTheSphereForEverySeed()
    {
        for (ulong seed = 1; seed <= 5; seed++)
        {
            double cma = (await RunAsync(new CmaEsSampler(), Sphere3, 100, seed)).Min(t => t.Value!.Value);
            double random = (await RunAsync(new RandomSampler(), Sphere3, 100, seed)).Min(t => t.Value!.Value);
            cma.ShouldBeLessThan(random, $"seed {seed}");
        }
    }

    [Fact]
    public async Task Categoricals_AreSampledIndependently()
    {
        IReadOnlyList<FrozenTrial> trials = await RunAsync(
            new CmaEsSampler(),
            trial => Sphere3(trial) + (trial.SuggestCategorical("c", ["a", "b", "c"]) == "a" ? 0 : 1),
            60);

        trials.Select(t => t.Params["c"]).Distinct().Count().ShouldBe(3);
        trials.Where(t => t.SystemAttributes.ContainsKey(CmaEsSampler.PointAttribute))
            .ShouldAllBe(t => t.SystemAttributes[CmaEsSampler.PointAttribute].GetArrayLength() == 3);
    }
}
