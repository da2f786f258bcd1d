using System.Collections.Immutable;
using Vernier.Distributions;
using Vernier.Pruners;
using Vernier.Runner.Config;
using Vernier.Runner.Objectives;
using Vernier.Runner.Tests.Support;
using Vernier.Runner.Workers;
using Vernier.Samplers;
using Vernier.Samplers.Tpe;
using Vernier.Samplers.Nsga2;
using Vernier.Samplers.Qmc;
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
    public void SamplerNames_AreTheSamplersThisBuildHas() => StudyComposition.SamplerNames.ShouldBe(["random", "grid", "qmc", "tpe", "gp", "cmaes", "nsga2", "auto", "population"]);

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
    public void CreateSampler_CmaEs_TakesItsOptions()
    {
        var options = ImmutableSortedDictionary.CreateRange(
            StringComparer.Ordinal,
            new Dictionary<string, object?> { ["sigma0"] = 0.25, ["popsize"] = 8L, ["restart_strategy"] = "none", ["inc_popsize"] = 3L, ["with_margin"] = false, ["n_startup_trials"] = 2L });

        StudyComposition.CreateSampler(new StrategyDefinition { Name = "cmaes", Options = options }, Discrete).ShouldBeOfType<Vernier.Samplers.CmaEs.CmaEsSampler>();
    }

    [Fact]
    public void CreateSampler_CmaEsWithABadOption_ThrowsNamingIt() =>
        Should.Throw<VernierException>(() => StudyComposition.CreateSampler(
            new StrategyDefinition
            {
                Name = "cmaes",
                Options = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object?> { ["restart_strategy"] = "bipop" }),
            },
            Discrete)).Message.ShouldBe("sampler 'cmaes': option 'restart_strategy' must be none or ipop, got bipop.");

    [Fact]
    public void CreateSampler_UnknownName_ThrowsListingTheKnownNames() =>
        Should.Throw<VernierException>(() => StudyComposition.CreateSampler(new StrategyDefinition { Name = "bayes-magic" }, Discrete))
            .Message.ShouldBe("unknown sampler 'bayes-magic'; this build knows random, grid, qmc, tpe, gp, cmaes, nsga2, auto, population.");

    [Fact]
    public void CreateSampler_TpeWithOptions_IsATpeSampler()
    {
        var options = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object?>
        {
            ["n_startup_trials"] = 5L,
            ["n_ei_candidates"] = 48L,
            ["multivariate"] = true,
            ["group"] = true,
            ["constant_liar"] = false,
            ["prior_weight"] = 2L,
            ["consider_endpoints"] = true,
        });

        StudyComposition.CreateSampler(new StrategyDefinition { Name = "tpe", Options = options }, Discrete).ShouldBeOfType<TpeSampler>().Name.ShouldBe("tpe");
    }

    [Fact]
    public void CreateSampler_TpeWithBadOption_ThrowsNamingTheOption()
    {
        var options = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object?> { ["n_ei_candidates"] = 0L });
        Should.Throw<VernierException>(() => StudyComposition.CreateSampler(new StrategyDefinition { Name = "tpe", Options = options }, Discrete))
            .Message.ShouldContain("n_ei_candidates");
        var wrongType = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object?> { ["multivariate"] = "yes" });
        Should.Throw<VernierException>(() => StudyComposition.CreateSampler(new StrategyDefinition { Name = "tpe", Options = wrongType }, Discrete))
            .Message.ShouldContain("'multivariate' must be true or false");
    }

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
        Should.Throw<VernierException>(() => StudyComposition.CreatePruner(new PrunerDefinition { Name = "pbt" }))
            .Message.ShouldBe("pruner 'pbt' is not available in this build; use one of none, median, percentile, patient, threshold, successive_halving, asha, hyperband, wilcoxon.");

    [Fact]
    public void CreatePruner_FromFileOptions_BuildsEachPruner()
    {
        static ImmutableSortedDictionary<string, object?> Options(params (string Key, object? Value)[] pairs) =>
            pairs.ToImmutableSortedDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

        var median = StudyComposition.CreatePruner(new PrunerDefinition { Name = "median", Options = Options(("n_startup_trials", 3L), ("n_warmup_steps", 2L)) }).ShouldBeOfType<MedianPruner>();
        (median.Options.StartupTrials, median.Options.WarmupSteps).ShouldBe((3, 2L));
        StudyComposition.CreatePruner(new PrunerDefinition { Name = "percentile", Options = Options(("percentile", 25L)) }).ShouldBeOfType<PercentilePruner>().Options.Percentile.ShouldBe(25);
        StudyComposition.CreatePruner(new PrunerDefinition { Name = "threshold", Options = Options(("upper", 1.5)) }).ShouldBeOfType<ThresholdPruner>().Upper.ShouldBe(1.5);
        StudyComposition.CreatePruner(new PrunerDefinition { Name = "asha", Options = Options(("min_resource", "auto"), ("reduction_factor", 3L)) })
            .ShouldBeOfType<SuccessiveHalvingPruner>().Name.ShouldBe("successive_halving");
        StudyComposition.CreatePruner(new PrunerDefinition { Name = "hyperband", Options = Options(("max_resource", 81L)) })
            .ShouldBeOfType<HyperbandPruner>().Name.ShouldBe("hyperband");
        FrozenTrial[] completed = [.. Enumerable.Range(0, 30).Select(n => new FrozenTrial
        {
            TrialId = n + 1, Number = n, State = TrialState.Complete, Values = [1.0],
            IntermediateValues = ImmutableSortedDictionary<long, double>.Empty.Add(80, 1.0),
        })];
        foreach (bool bracketHistory in new[] { true, false })
        {
            var hyperband = StudyComposition.CreatePruner(new PrunerDefinition { Name = "hyperband", Options = Options(("max_resource", 81L), ("bracket_history", bracketHistory)) })
                .ShouldBeOfType<HyperbandPruner>();
            (hyperband.SamplerHistory([StudyDirection.Minimize], 30, completed).Count < completed.Length).ShouldBe(bracketHistory);
        }

        StudyComposition.CreatePruner(new PrunerDefinition { Name = "wilcoxon", Options = Options(("p_threshold", 0.05), ("n_startup_steps", 3L)) })
            .ShouldBeOfType<WilcoxonPruner>().Name.ShouldBe("wilcoxon");
        var patient = StudyComposition.CreatePruner(new PrunerDefinition { Name = "patient", Options = Options(("patience", 2L), ("wrapped", "median")) }).ShouldBeOfType<PatientPruner>();
        patient.Wrapped.ShouldBeOfType<MedianPruner>();
        Should.Throw<VernierException>(() => StudyComposition.CreatePruner(new PrunerDefinition { Name = "patient" }))
            .Message.ShouldBe("pruner 'patient': option 'patience' is required: how many steps without improvement to tolerate.");
    }

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
        study.Options.DeterministicParallel.ShouldBeFalse();
        study.Options.Worker.ShouldBe(LocalWorker.Current);
        study.Options.WorkerLiveness.ShouldBeSameAs(LocalWorker.Liveness);
    }

    [Fact]
    public async Task CreateBuilder_DeterministicResource_TurnsOnDeterministicParallelMode()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(CommandYaml.Replace("{ max_concurrent: 3 }", "{ max_concurrent: 3, deterministic: true }", StringComparison.Ordinal), "study.yaml");
        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync();
        study.Options.DeterministicParallel.ShouldBeTrue();
        study.Options.MaxConcurrent.ShouldBe(3);
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
    public async Task CreateObjective_CommandWithRepeats_RunsEachTrialOncePerSeedWithTheSeedPlaceholder()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(
            CommandYaml.Replace("trial]", "trial, '--rng={seed}']", StringComparison.Ordinal).Replace("maximize: true", "maximize: true\n  seeds: [3, 4]", StringComparison.Ordinal),
            "study.yaml");
        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync();
        string trials = _temp.Combine("trials");

        await study.OptimizeAsync(StudyComposition.CreateObjective(definition, trials), new OptimizeOptions { NTrials = 1, SearchSpace = definition.Space });

        (await study.GetTrialsAsync()).ShouldHaveSingleItem().State.ShouldBe(TrialState.Complete);
        (await File.ReadAllLinesAsync(Path.Combine(trials, "0000", "run-2", "args")))[0].ShouldBe("--rng=4");
    }

    [Fact]
    public void CreateObjective_SeedPlaceholderWithoutRepeats_IsRefusedSayingWhenItIsFilled()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(CommandYaml.Replace("trial]", "trial, '--rng={seed}']", StringComparison.Ordinal), "study.yaml");

        Should.Throw<VernierException>(() => StudyComposition.CreateObjective(definition, _temp.Path))
            .Message.ShouldEndWith("{seed} and {run_index} are filled when the objective has 'repeats' or 'seeds'.");
    }

    [Fact]
    public async Task CreateObjective_CommandWithConstraints_RecordsThemAndBestPrefersFeasible()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(
            """
            space: [{ name: x, type: int, low: 0, high: 3 }]
            objective:
              command: [bash, -c, 'x=${1#--x=}; echo METRIC loss=$((10 - x)); echo METRIC over=$((x - 1))', trial]
              metric: loss
              constraints: [over]
            strategy: { name: grid, seed: 1 }
            """,
            "study.yaml");
        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync();

        await study.OptimizeAsync(StudyComposition.CreateObjective(definition, _temp.Combine("trials")), new OptimizeOptions { NTrials = 4, SearchSpace = definition.Space });

        IReadOnlyList<FrozenTrial> done = await study.GetTrialsAsync();
        done.ShouldAllBe(t => t.State == TrialState.Complete);
        done.Single(t => (long)t.Params["x"]! == 3).Constraints.ShouldBe([2.0]);
        FrozenTrial best = (await study.GetBestTrialAsync())!;
        best.Params["x"].ShouldBe(1L); // x = 2 and 3 have lower loss but break the constraint
    }

    [Fact]
    public async Task CreateObjective_PrunedCommandThatIgnoresSigterm_IsKilledAfterTheGracePeriodAndRecordedPruned()
    {
        // Trial 0 completes with low losses; trial 1 reports a high loss at step 0, is pruned by the
        // median, ignores SIGTERM and would sleep 60 s: the 1 s grace period must end it.
        StudyDefinition definition = StudyDefinitionLoader.Parse(
            """
            space: [{ name: x, type: int, low: 0, high: 3 }]
            objective:
              command: [bash, -c, 'if [ "$VERNIER_TRIAL_NUMBER" = 0 ]; then for s in 0 1 2; do echo "METRIC step=$s loss=1"; done; echo METRIC loss=1; else trap "" TERM; echo "METRIC step=0 loss=50"; sleep 60; echo METRIC loss=50; fi']
              metric: loss
              grace_period: 1
            pruner: { name: median, n_startup_trials: 1 }
            """,
            "study.yaml");
        definition.Objective.GracePeriod.ShouldBe(TimeSpan.FromSeconds(1));
        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await study.OptimizeAsync(StudyComposition.CreateObjective(definition, _temp.Combine("trials")), new OptimizeOptions { NTrials = 2, SearchSpace = definition.Space });

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the trial that ignores SIGTERM must be killed after the grace period, not run its 60 s");
        FrozenTrial pruned = await study.GetTrialAsync(1);
        pruned.State.ShouldBe(TrialState.Pruned);
        pruned.LastIntermediateValue.ShouldBe(KeyValuePair.Create(0L, 50.0));
    }

    [Fact]
    public async Task CreateObjective_CommandMissingAConstraintMetric_FailsTheTrialNamingIt()
    {
        StudyDefinition definition = StudyDefinitionLoader.Parse(
            """
            space: [{ name: x, type: int, low: 0, high: 3 }]
            objective: { command: [bash, -c, 'echo METRIC loss=1'], metric: loss, constraints: [memory_excess] }
            """,
            "study.yaml");
        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync();
        await study.OptimizeAsync(StudyComposition.CreateObjective(definition, _temp.Combine("trials")), new OptimizeOptions { NTrials = 1, SearchSpace = definition.Space });
        (await study.GetTrialAsync(0)).FailReason.ShouldBe("the command did not print the constraint metric(s) memory_excess (METRIC memory_excess=<value>, feasible when ≤ 0).");
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
