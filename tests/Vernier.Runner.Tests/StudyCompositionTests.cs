using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Pruners;
using Vernier.Runner.Config;
using Vernier.Runner.Objectives;
using Vernier.Runner.Tests.Support;
using Vernier.Runner.Workers;
using Vernier.Samplers;
using Vernier.Samplers.GaussianProcess;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests;

public sealed class StudyCompositionTests : IDisposable
{
    private const string CommandYaml = """
        name: composed
        space:
          - { name: opt, type: categorical, choices: [sgd, adam] }
          - { name: lr, type: float, low: 0.001, high: 0.1, log: true }
        objective:
          command: [bash, -c, 'printf "%s\n" "$@" > "$VERNIER_TRIAL_DIR/args"; echo METRIC acc=0.75', trial]
          metric: acc
          maximize: true
        strategy: { name: random, seed: 42 }
        resource: { max_concurrent: 3 }
        """;

    private static readonly SearchSpace Discrete = new(
    [
        new ParameterSpec("layers", new IntDistribution(1, 3)),
        new ParameterSpec("opt", new CategoricalDistribution(["sgd", "adam"])),
    ]);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void SamplerNames_AreTheSamplersThisBuildHas() => StudyComposition.SamplerNames.ShouldBe(["random", "grid", "gp"]);

    [Fact]
    public void CreateSampler_Random_IsARandomSampler() =>
        StudyComposition.CreateSampler(new StrategyDefinition { Name = "random" }, Discrete).ShouldBeOfType<RandomSampler>();

    [Fact]
    public void CreateSampler_Grid_EnumeratesTheDeclaredSpace()
    {
        GridSampler grid = StudyComposition.CreateSampler(new StrategyDefinition { Name = "grid" }, Discrete).ShouldBeOfType<GridSampler>();

        grid.Grid.Points.Length.ShouldBe(6);
    }

    [Fact]
    public void CreateSampler_Gp_TakesItsOptions()
    {
        var options = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object?>
        {
            ["n_startup_trials"] = 5L,
            ["deterministic_objective"] = true,
            ["max_observations"] = 200L,
        });
        StudyComposition.CreateSampler(new StrategyDefinition { Name = "gp", Options = options }, Discrete).ShouldBeOfType<GpSampler>();
    }

    [Fact]
    public void CreateSampler_GpFromAStudyFile_ReadsItsOptions()
    {
        const string yaml = """
            name: gp-demo
            space:
              lr: { type: float, low: 1.0e-5, high: 0.1, log: true }
              layers: { type: int, low: 1, high: 6 }
              activation: { type: categorical, choices: [relu, tanh] }
            strategy: { name: gp, seed: 1, n_startup_trials: 10, deterministic_objective: false, max_observations: 300 }
            objective: { command: [python3, train.py], metric: val_loss }
            """;
        StudyDefinition definition = StudyDefinitionLoader.Parse(yaml, "study.yaml");

        definition.Strategy.Options.Keys.ShouldBe(["deterministic_objective", "max_observations", "n_startup_trials"]);
        StudyComposition.CreateSampler(definition.Strategy, definition.Space).ShouldBeOfType<GpSampler>().Name.ShouldBe("gp");
    }

    [Fact]
    public void CreateSampler_GpWithBadOption_ThrowsNamingTheSampler()
    {
        var wrongType = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object?> { ["n_startup_trials"] = "many" });
        Should.Throw<VernierException>(() => StudyComposition.CreateSampler(new StrategyDefinition { Name = "gp", Options = wrongType }, Discrete))
            .Message.ShouldBe("sampler 'gp': option 'n_startup_trials' must be an integer, got 'many'.");
        var outOfRange = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object?> { ["n_startup_trials"] = -1L });
        Should.Throw<VernierException>(() => StudyComposition.CreateSampler(new StrategyDefinition { Name = "gp", Options = outOfRange }, Discrete))
            .Message.ShouldContain("NStartupTrials must be ≥ 0");
    }

    [Fact]
    public void CreateSampler_UnknownName_ThrowsListingTheKnownNames() =>
        Should.Throw<VernierException>(() => StudyComposition.CreateSampler(new StrategyDefinition { Name = "tpe" }, Discrete))
            .Message.ShouldBe("unknown sampler 'tpe'; this build knows random, grid, gp.");

    [Fact]
    public void CreateSampler_GridOverAContinuousFloat_ThrowsNamingTheParameter()
    {
        var space = new SearchSpace([new ParameterSpec("layers", new IntDistribution(1, 3)), new ParameterSpec("lr", new FloatDistribution(0.001, 0.1, log: true))]);

        var error = Should.Throw<VernierException>(() => StudyComposition.CreateSampler(new StrategyDefinition { Name = "grid" }, space));

        error.Message.ShouldBe(
            "sampler 'grid': grid search needs a finite set of values, but 'lr' is a continuous float[0.001, 0.1] log: give it a step, or make it categorical.");
        error.InnerException.ShouldBeOfType<ArgumentException>();
    }

    [Fact]
    public void CreatePruner_None_NeverPrunes() => StudyComposition.CreatePruner(new PrunerDefinition()).ShouldBeOfType<NopPruner>();

    [Fact]
    public void CreatePruner_NotInThisBuild_ThrowsSayingWhatIsAvailable() =>
        Should.Throw<VernierException>(() => StudyComposition.CreatePruner(new PrunerDefinition { Name = "median" }))
            .Message.ShouldBe("pruner 'median' is not available in this build; use 'none'.");

    [Fact]
    public async Task CreateBuilder_AppliesDirectionsSeedConcurrencyAndTheLocalWorker()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(CommandYaml, "study.yaml");

        StudyBuilder builder = StudyComposition.CreateBuilder(definition, new InMemoryStorage());
        await using Study study = await builder.CreateAsync();

        builder.Name.ShouldBe("composed");
        study.Name.ShouldBe("composed");
        study.Directions.ShouldBe([StudyDirection.Maximize]);
        study.Seed.ShouldBe(42UL);
        study.Sampler.ShouldBeOfType<RandomSampler>();
        study.Pruner.ShouldBeOfType<NopPruner>();
        study.Options.MaxConcurrent.ShouldBe(3);
        study.Options.Worker.ShouldBe(LocalWorker.Current);
        study.Options.WorkerLiveness.ShouldBeSameAs(LocalWorker.Liveness);
    }

    [Fact]
    public async Task CreateBuilder_MaxConcurrent_LimitsRunningTrials()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(CommandYaml.Replace("max_concurrent: 3", "max_concurrent: 1", StringComparison.Ordinal), "study.yaml");
        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync();

        Trial running = await study.AskAsync();

        await Should.ThrowAsync<ConcurrencyLimitExceededException>(() => study.AskAsync());
        (await study.GetTrialAsync(running.Number)).SystemAttributes[SystemAttributes.Worker].GetProperty("process_id").GetInt32().ShouldBe(Environment.ProcessId);
    }

    [Fact]
    public async Task CreateBuilder_SeveralObjectivesGridAndOtherName_AreApplied()
    {
        const string Yaml = """
            space:
              - { name: layers, type: int, low: 1, high: 3 }
              - { name: opt, type: categorical, choices: [sgd, adam] }
            objective:
              command: [train]
              metrics: [loss, latency_ms]
              directions: [minimize, max]
            strategy: { name: grid, seed: 18446744073709551615 }
            """;
        StudyDefinition definition = StudyDefinitionLoader.Parse(Yaml, "sweep.yaml");

        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage(), "renamed").CreateAsync();

        study.Name.ShouldBe("renamed");
        study.Directions.ShouldBe([StudyDirection.Minimize, StudyDirection.Maximize]);
        study.Seed.ShouldBe(ulong.MaxValue);
        study.Sampler.ShouldBeOfType<GridSampler>().Grid.Points.Length.ShouldBe(6);
        study.Options.MaxConcurrent.ShouldBe(1);
    }

    [Fact]
    public async Task CreateBuilder_NoSeed_RecordsAFreshSeedThatALaterLoadKeeps()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(CommandYaml.Replace(", seed: 42", "", StringComparison.Ordinal), "study.yaml");
        definition.Strategy.Seed.ShouldBeNull();
        var storage = new InMemoryStorage();

        await using Study first = await StudyComposition.CreateBuilder(definition, storage).CreateOrLoadAsync();
        await using Study again = await StudyComposition.CreateBuilder(definition, storage).CreateOrLoadAsync();
        await using Study other = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateOrLoadAsync();

        again.Seed.ShouldBe(first.Seed);
        other.Seed.ShouldNotBe(first.Seed);
    }

    [Fact]
    public void CreateCommandRunner_CommandObjective_UsesTheMetricAndPlaceholders()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(
            CommandYaml.Replace("trial]", "trial, '--lr={lr}']", StringComparison.Ordinal), "study.yaml");

        CommandObjectiveRunner runner = StudyComposition.CreateCommandRunner(definition).ShouldNotBeNull();

        runner.Metric.ShouldBe("acc");
        runner.PlaceholderNames.ShouldBe(["lr"]);
    }

    [Fact]
    public void CreateCommandRunner_CallableObjective_IsNull()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(CallableYaml(typeof(SampleObjectives).Assembly.Location), "study.yaml");

        StudyComposition.CreateCommandRunner(definition).ShouldBeNull();
    }

    [Fact]
    public async Task CreateObjective_Command_RunsOneProcessPerTrialWithParametersInDeclaredOrder()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(CommandYaml, "study.yaml");
        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync();
        string trials = _temp.Combine("trials");

        await study.OptimizeAsync(StudyComposition.CreateObjective(definition, trials), new OptimizeOptions { NTrials = 2, SearchSpace = definition.Space });

        IReadOnlyList<FrozenTrial> done = await study.GetTrialsAsync();
        done.Select(t => t.State).ShouldBe([TrialState.Complete, TrialState.Complete]);
        done.Select(t => t.Value).ShouldBe([0.75, 0.75]);
        string[] args = await File.ReadAllLinesAsync(Path.Combine(trials, "0001", "args"));
        args.Select(a => a.Split('=')[0]).ShouldBe(["--opt", "--lr"]);
        args[0].ShouldBe($"--opt={done[1].Params["opt"]}");
    }

    [Fact]
    public async Task CreateObjective_CallableWithPathRelativeToTheStudyFile_CallsTheMethod()
    {
        string assembly = typeof(SampleObjectives).Assembly.Location;
        string file = _temp.Combine("conf", "study.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, CallableYaml(Path.GetRelativePath(Path.GetDirectoryName(file)!, assembly)));
        StudyDefinition definition = StudyDefinitionLoader.Load(file);
        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync();

        await study.OptimizeAsync(StudyComposition.CreateObjective(definition, _temp.Combine("trials")), new OptimizeOptions { NTrials = 1, SearchSpace = definition.Space });

        FrozenTrial trial = (await study.GetTrialsAsync()).ShouldHaveSingleItem();
        trial.State.ShouldBe(TrialState.Complete);
        trial.Value.ShouldBe(7);
        Directory.Exists(_temp.Combine("trials")).ShouldBeFalse(); // in-process: no trial folders
    }

    private static string CallableYaml(string assemblyPath) => $$"""
        space: [{ name: x, type: int, low: 0, high: 1 }]
        objective: { callable: '{{assemblyPath}}:Vernier.Runner.Tests.Support.SampleObjectives.WholeNumber' }
        strategy: { seed: 1 }
        """;
}
