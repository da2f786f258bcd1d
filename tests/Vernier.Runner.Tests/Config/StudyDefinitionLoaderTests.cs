using Vernier.Runner.Objectives;
using FsCheck;
using FsCheck.Fluent;
using Vernier.Distributions;
using Vernier.Runner.Config;
using Vernier.SearchSpaces;
using Vernier.Studies;

namespace Vernier.Runner.Tests.Config;

public sealed class StudyDefinitionLoaderTests
{
    // The example of the config format; 'opt' is declared because conditions may only read declared parameters.
    internal const string ExampleYaml = """
        name: mlp-digits            # optional
        storage: sqlite:///vernier.db   # optional
        space:
          - { name: lr, type: float, low: 0.0001, high: 0.1, log: true }
          - { name: layers, type: int, low: 2, high: 6, step: 2 }
          - { name: activation, type: categorical, choices: [relu, gelu, tanh] }
          - { name: opt, type: categorical, choices: [sgd, adam, rmsprop] }
          - { name: momentum, type: float, low: 0, high: 0.99, when: { opt: [sgd, adam] } }   # conditional
        constraints:
          - { when: { opt: adam }, set: { momentum: 0 } }           # fixed value under a condition
          - { forbid: { opt: sgd, lr: { gt: 0.05 } } }              # forbidden combination
        strategy: { name: random, seed: 42 }
        objective:
          command: [python3, train.py]
          metric: val_loss
          maximize: false
          timeout: 600
        resource: { max_concurrent: 1, min_interval_ms: 0 }
        max_trials: 12
        """;

    internal const string ExampleJson = """
        {
          "name": "mlp-digits",
          "storage": "sqlite:///vernier.db",
          "space": [
            {"name": "lr", "type": "float", "low": 0.0001, "high": 0.1, "log": true},
            {"name": "layers", "type": "int", "low": 2, "high": 6, "step": 2},
            {"name": "activation", "type": "categorical", "choices": ["relu", "gelu", "tanh"]},
            {"name": "opt", "type": "categorical", "choices": ["sgd", "adam", "rmsprop"]},
            {"name": "momentum", "type": "float", "low": 0, "high": 0.99, "when": {"opt": ["sgd", "adam"]}}
          ],
          "constraints": [
            {"when": {"opt": "adam"}, "set": {"momentum": 0}},
            {"forbid": {"opt": "sgd", "lr": {"gt": 0.05}}}
          ],
          "strategy": {"name": "random", "seed": 42},
          "objective": {"command": ["python3", "train.py"], "metric": "val_loss", "maximize": false, "timeout": 600},
          "resource": {"max_concurrent": 1, "min_interval_ms": 0},
          "max_trials": 12
        }
        """;

    [Fact]
    public void Parse_Example_ReadsEverySection()
    {
        StudyDefinition study = StudyDefinitionLoader.Parse(ExampleYaml, "study.yaml");

        study.Name.ShouldBe("mlp-digits");
        study.Storage.ShouldBe("sqlite:///vernier.db");
        SearchSpace space = study.Space;
        space.Find("lr")!.Distribution.ShouldBe(new FloatDistribution(0.0001, 0.1, log: true));
        space.Find("layers")!.Distribution.ShouldBe(new IntDistribution(2, 6, step: 2));
        space.Find("activation")!.Distribution.ShouldBe(new CategoricalDistribution(["relu", "gelu", "tanh"]));
        space.Find("opt")!.Distribution.ShouldBe(new CategoricalDistribution(["sgd", "adam", "rmsprop"]));
        space.Find("momentum")!.Distribution.ShouldBe(new FloatDistribution(0, 0.99));
        space.Find("momentum")!.When.ShouldBe(Condition.In("opt", "sgd", "adam"));
        space.Parameters.Select(p => p.Name).ShouldBe(["lr", "layers", "activation", "opt", "momentum"]);
        space.Constraints.ShouldBe(
        [
            new FixedValue(Condition.Equal("opt", "adam"), "momentum", 0L),
            new ForbiddenCombination(Condition.All(Condition.Equal("opt", "sgd"), Condition.Compare("lr", Comparison.GreaterThan, 0.05))),
        ]);
        study.Directions.ShouldBe([StudyDirection.Minimize]);
        study.Strategy.ShouldBe(new StrategyDefinition { Name = "random", Seed = 42 }, StrategyComparer.Instance);
        study.Pruner.Name.ShouldBe("none");
        study.Objective.Command.ShouldNotBeNull().ShouldBe(["python3", "train.py"]);
        study.Objective.Callable.ShouldBeNull();
        study.Objective.Metric.ShouldBe("val_loss");
        study.Objective.Timeout.ShouldBe(TimeSpan.FromSeconds(600));
        study.Objective.PassParameters.ShouldBe(CommandArgumentStyle.Flags);
        study.Resource.ShouldBe(new ResourceDefinition { MaxConcurrent = 1, MinInterval = TimeSpan.Zero });
        study.MaxTrials.ShouldBe(12);
        study.Timeout.ShouldBeNull();
        study.SourcePath.ShouldBeNull();
    }

    [Fact]
    public void Parse_Example_SpaceBehavesAsDeclared()
    {
        SearchSpace space = StudyDefinitionLoader.Parse(ExampleYaml, "study.yaml").Space;

        space.FindViolation(new Dictionary<string, object?> { ["opt"] = "sgd", ["lr"] = 0.08 }).ShouldNotBeNull();
        space.FindViolation(new Dictionary<string, object?> { ["opt"] = "sgd", ["lr"] = 0.01 }).ShouldBeNull();
        space.Validate(new Dictionary<string, object?>
        {
            ["lr"] = 0.01, ["layers"] = 4L, ["activation"] = "gelu", ["opt"] = "adam", ["momentum"] = 0.5,
        }).ShouldBe(["'momentum' must be 0 because opt == adam."]);
    }

    [Fact]
    public void Parse_JsonOfTheExample_GivesTheSameDefinition()
    {
        StudyDefinition yaml = StudyDefinitionLoader.Parse(ExampleYaml, "study.yaml");
        StudyDefinition json = StudyDefinitionLoader.Parse(ExampleJson, "study.json");

        json.Space.Parameters.ShouldBe(yaml.Space.Parameters);
        json.Space.Constraints.ShouldBe(yaml.Space.Constraints);
        json.Directions.ShouldBe(yaml.Directions);
        json.Resource.ShouldBe(yaml.Resource);
        json.ContentHash.ShouldBe(yaml.ContentHash);
    }

    [Fact]
    public void Parse_RayTuneDialect_ConvertsTypesAndExclusiveRandintBound()
    {
        const string Ray = """
            {"search_space": {
                "lr": {"type": "loguniform", "min": 1e-5, "max": 1e-3},
                "batch_size": {"type": "choice", "values": [4, 8, 16]},
                "dropout": {"type": "uniform", "min": 0, "max": 0.5},
                "layers": {"type": "randint", "min": 1, "max": 4},
                "width": {"type": "lograndint", "min": 16, "max": 513},
                "wd": {"type": "quniform", "min": 0, "max": 0.1, "q": 0.01},
                "heads": {"type": "qrandint", "min": 2, "max": 8, "q": 2},
                "epochs": 10},
             "objective": {"command": "python3 train.py", "metric": "acc", "direction": "max"}}
            """;

        StudyDefinition study = StudyDefinitionLoader.Parse(Ray, "ray.json");

        SearchSpace space = study.Space;
        space.Find("lr")!.Distribution.ShouldBe(new FloatDistribution(1e-5, 1e-3, log: true));
        space.Find("batch_size")!.Distribution.ShouldBe(new CategoricalDistribution([4L, 8L, 16L]));
        space.Find("dropout")!.Distribution.ShouldBe(new FloatDistribution(0, 0.5));
        space.Find("layers")!.Distribution.ShouldBe(new IntDistribution(1, 3));
        space.Find("width")!.Distribution.ShouldBe(new IntDistribution(16, 512, log: true));
        space.Find("wd")!.Distribution.ShouldBe(new FloatDistribution(0, 0.1, step: 0.01));
        space.Find("heads")!.Distribution.ShouldBe(new IntDistribution(2, 8, step: 2));
        space.Find("epochs")!.Distribution.ShouldBe(new CategoricalDistribution([10L]));
        study.Directions.ShouldBe([StudyDirection.Maximize]);
        study.Name.ShouldBe("ray");
    }

    [Fact]
    public void Parse_MapFormWithVernierTypes_ReadsConditionsAndOperators()
    {
        const string Yaml = """
            space:
              opt: { type: categorical, choices: [sgd, adam, rmsprop] }
              lr: { type: float, low: 0.001, high: 1, when: { opt: { ne: rmsprop } } }
              layers: { type: int, low: 1, high: 8, log: true }
              decay: { type: float, low: 0, high: 1, step: 0.25, when: { layers: { ge: 2, lt: 6 }, opt: { in: [adam] } } }
            objective: { callable: "bin/Model.dll:Models.Mlp+Trainer.Evaluate" }
            """;

        StudyDefinition study = StudyDefinitionLoader.Parse(Yaml, "space.yml");

        study.Space.Find("lr")!.When.ShouldBe(Condition.In("opt", "sgd", "adam"));
        study.Space.Find("layers")!.Distribution.ShouldBe(new IntDistribution(1, 8, log: true));
        study.Space.Find("decay")!.When.ShouldBe(Condition.All(
            Condition.Compare("layers", Comparison.GreaterThanOrEqual, 2),
            Condition.Compare("layers", Comparison.LessThan, 6),
            Condition.In("opt", "adam")));
        study.Objective.Callable.ShouldBe(new CallableReference("bin/Model.dll", "Models.Mlp+Trainer", "Evaluate"));
        study.Objective.Command.ShouldBeNull();
        study.Objective.Metrics.ShouldBe(["value"]);
        study.Directions.ShouldBe([StudyDirection.Minimize]);
    }

    [Fact]
    public void Parse_SeedStyleListWithRayTypes_ReadsThemLikeTheMapForm()
    {
        const string Yaml = """
            space:
              - { name: lr, type: loguniform, low: 0.00001, high: 0.001 }
              - { name: layers, type: randint, low: 1, high: 4 }      # Ray's exclusive upper bound: 1, 2 or 3
              - { name: units, type: int, low: 1, high: 4 }          # Vernier's int includes 4
              - { name: act, type: choice, values: [relu, tanh] }
            objective: { command: [a], metric: m }
            storage: memory
            """;

        StudyDefinition study = StudyDefinitionLoader.Parse(Yaml, "seed.yaml");

        study.Space.Find("lr")!.Distribution.ShouldBe(new FloatDistribution(0.00001, 0.001, log: true));
        study.Space.Find("layers")!.Distribution.ShouldBe(new IntDistribution(1, 3));
        study.Space.Find("units")!.Distribution.ShouldBe(new IntDistribution(1, 4));
        study.Space.Find("act")!.Distribution.ShouldBe(new CategoricalDistribution(["relu", "tanh"]));
        study.Storage.ShouldBe("memory:");
    }

    [Fact]
    public void Parse_NormalType_ReadsMeanStdLogAndStepInBothForms()
    {
        const string Yaml = """
            space:
              - { name: init, type: normal, mean: 0.5, std: 2 }
              - { name: lr, type: normal, mu: -7, sigma: 1.5, log: true }
              - { name: warmup, type: normal, mean: 5, std: 0.5, log: true, step: 10 }
            objective: { command: [a], metric: m }
            """;

        StudyDefinition study = StudyDefinitionLoader.Parse(Yaml, "s.yaml");

        study.Space.Find("init")!.Distribution.ShouldBe(new NormalDistribution(0.5, 2));
        study.Space.Find("lr")!.Distribution.ShouldBe(new NormalDistribution(-7, 1.5, log: true));
        study.Space.Find("warmup")!.Distribution.ShouldBe(new NormalDistribution(5, 0.5, log: true, step: 10));
        StudyDefinitionLoader.Parse("space: { x: { type: normal, mean: 1, std: 3, step: 0.5 } }\nobjective: { command: [a], metric: m }\n", "s.yaml")
            .Space.Find("x")!.Distribution.ShouldBe(new NormalDistribution(1, 3, step: 0.5));
    }

    [Fact]
    public void FloatBounds_RoundTripThroughTheFileExactly()
    {
        Prop.ForAll(
                ArbMap.Default.ArbFor<double>().Filter(double.IsFinite),
                ArbMap.Default.ArbFor<double>().Filter(double.IsFinite),
                (a, b) =>
                {
                    (double low, double high) = (Math.Min(a, b), Math.Max(a, b));
                    string text = FormattableString.Invariant($"space: {{ x: {{ type: float, low: {low:R}, high: {high:R} }} }}\nobjective: {{ callable: 'm.dll:T.M' }}\n");
                    var parsed = (FloatDistribution)StudyDefinitionLoader.Parse(text, "s.yaml").Space.Find("x")!.Distribution;
                    return parsed.Low.Equals(low) && parsed.High.Equals(high);
                })
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Parse_TabIndentedJsonWithCrlfAndByteOrderMark_IsRead()
    {
        string json = "\uFEFF{\r\n\t\"space\": {\r\n\t\t\"x\": {\"type\": \"int\", \"low\": 0, \"high\": 3}\r\n\t},\r\n\t\"objective\": {\"callable\": \"m.dll:T.M\"}\r\n}\r\n";

        StudyDefinitionLoader.Parse(json, "s.json").Space.Find("x")!.Distribution.ShouldBe(new IntDistribution(0, 3));
        Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(json.Replace("\"high\": 3", "\"high\": \"3\"", StringComparison.Ordinal), "s.json"))
            .Message.ShouldBe("s.json:3:42: high must be an integer, got the quoted string '3' (remove the quotes for a number)");
    }

    [Fact]
    public void Parse_ForbidWithWhen_ForbidsBothTogether()
    {
        const string Yaml = """
            space:
              opt: { type: choice, values: [sgd, adam] }
              lr: { type: float, low: 0.001, high: 0.1 }
            constraints:
              - { when: { opt: sgd }, forbid: { lr: { gt: 0.05 } } }
            objective: { callable: "m.dll:T.M" }
            """;

        StudyDefinitionLoader.Parse(Yaml, "s.yaml").Space.Constraints.ShouldBe(
            [new ForbiddenCombination(Condition.All(Condition.Equal("opt", "sgd"), Condition.Compare("lr", Comparison.GreaterThan, 0.05)))]);
    }

    [Fact]
    public void Parse_MinimalFile_FillsEveryDefault()
    {
        StudyDefinition study = StudyDefinitionLoader.Parse(
            "space: [{ name: x, type: float, low: 0, high: 1 }]\nobjective: { command: [./run.sh], metric: loss }\n",
            "experiments/quick.yaml");

        study.Name.ShouldBe("quick");
        study.Storage.ShouldBeNull();
        study.Space.Constraints.ShouldBeEmpty();
        study.Strategy.Name.ShouldBe("auto");
        study.Strategy.Seed.ShouldBeNull();
        study.Strategy.Options.ShouldBeEmpty();
        study.Pruner.Name.ShouldBe("none");
        study.Pruner.Options.ShouldBeEmpty();
        study.Resource.MaxConcurrent.ShouldBe(1);
        study.Resource.MinInterval.ShouldBe(TimeSpan.Zero);
        study.MaxTrials.ShouldBeNull();
        study.Timeout.ShouldBeNull();
        study.Objective.Timeout.ShouldBeNull();
        study.Objective.Environment.ShouldBeEmpty();
        study.Objective.WorkingDirectory.ShouldBeNull();
        study.Objective.PassParameters.ShouldBe(CommandArgumentStyle.Flags);
        study.Directions.ShouldBe([StudyDirection.Minimize]);
    }

    [Fact]
    public void Parse_CommandObjectiveOptions_AreRead()
    {
        const string Yaml = """
            space: { x: { type: float, low: 0, high: 1 } }
            objective:
              command: "python3 -u 'my train.py' --tag=\"a b\" it\\'s ''"
              metrics: [loss, latency_ms]
              directions: [minimize, max]
              env: { OMP_NUM_THREADS: 4, CUDA_LAUNCH_BLOCKING: ~, MODE: fast }
              working_directory: ../work
              pass_parameters: hydra
            strategy: grid_free_name_is_not_allowed_here
            """;

        Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(Yaml, "s.yaml"))
            .Message.ShouldBe("s.yaml:9:11: unknown strategy 'grid_free_name_is_not_allowed_here'; allowed: auto, bayesian, cmaes, gp, grid, nsga2, pbt, population, qmc, random, tpe");

        StudyDefinition study = StudyDefinitionLoader.Parse(Yaml.Replace("grid_free_name_is_not_allowed_here", "random", StringComparison.Ordinal), "s.yaml");

        study.Objective.Command.ShouldNotBeNull().ShouldBe(["python3", "-u", "my train.py", "--tag=a b", "it's", ""]);
        study.Objective.Metrics.ShouldBe(["loss", "latency_ms"]);
        study.Directions.ShouldBe([StudyDirection.Minimize, StudyDirection.Maximize]);
        study.Objective.Environment.ShouldBe(new Dictionary<string, string?> { ["CUDA_LAUNCH_BLOCKING"] = null, ["MODE"] = "fast", ["OMP_NUM_THREADS"] = "4" });
        study.Objective.WorkingDirectory.ShouldBe("../work");
        study.Objective.PassParameters.ShouldBe(CommandArgumentStyle.Hydra);
    }

    [Fact]
    public void Parse_TpeStrategyOptions_AreReadAndMisspeltOnesReported()
    {
        const string Yaml = """
            space: { x: { type: float, low: 0, high: 1 } }
            objective: { command: [a], metric: m }
            strategy: { name: tpe, seed: 3, n_startup_trials: 5, multivariate: true, prior_weight: 0.5 }
            """;

        StudyDefinition study = StudyDefinitionLoader.Parse(Yaml, "s.yaml");

        study.Strategy.Name.ShouldBe("tpe");
        study.Strategy.Seed.ShouldBe(3UL);
        study.Strategy.Options["n_startup_trials"].ShouldBe(5L);
        study.Strategy.Options["multivariate"].ShouldBe(true);
        study.Strategy.Options["prior_weight"].ShouldBe(0.5);
        Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse(Yaml.Replace("multivariate", "multivariat", StringComparison.Ordinal), "s.yaml"))
            .Message.ShouldContain("multivariat");
    }

    [Fact]
    public void Parse_QmcAndNsga2Options_BuildTheirSamplers()
    {
        const string Qmc = """
            space: [{ name: x, type: float, low: 0, high: 1 }]
            objective: { command: [a], metric: m }
            strategy: { name: qmc, seed: 3, sequence: halton, scramble: false }
            """;
        const string Nsga2 = """
            space: [{ name: x, type: float, low: 0, high: 1 }]
            objective: { command: [a], metric: m }
            strategy: { name: nsga2, population_size: 24, mutation_prob: null, crossover: blx, crossover_prob: 0.8, swapping_prob: 0.3 }
            """;

        StudyDefinition qmc = StudyDefinitionLoader.Parse(Qmc, "q.yaml");
        var qmcSampler = (Vernier.Samplers.Qmc.QmcSampler)StudyComposition.CreateSampler(qmc.Strategy, qmc.Space);
        qmcSampler.Options.Sequence.ShouldBe(Vernier.Samplers.Qmc.QmcSequence.Halton);
        qmcSampler.Options.Scramble.ShouldBeFalse();

        StudyDefinition nsga2 = StudyDefinitionLoader.Parse(Nsga2, "n.yaml");
        var options = ((Vernier.Samplers.Nsga2.Nsga2Sampler)StudyComposition.CreateSampler(nsga2.Strategy, nsga2.Space)).Options;
        (options.PopulationSize, options.MutationProbability, options.Crossover, options.CrossoverProbability, options.SwappingProbability)
            .ShouldBe((24, (double?)null, Vernier.Samplers.Nsga2.Nsga2Crossover.Blx, 0.8, 0.3));
    }

    [Fact]
    public void Parse_StrategyAndPrunerShorthandsAndOptions_AreRead()
    {
        const string Yaml = """
            space: [{ name: n, type: int, low: 1, high: 3 }, { name: f, type: float, low: 0.5, high: 0.5 }]
            objective: { command: [a], metric: m }
            strategy: grid
            pruner: none
            timeout: 90.5
            """;

        StudyDefinition study = StudyDefinitionLoader.Parse(Yaml, "s.yaml");

        study.Strategy.Name.ShouldBe("grid");
        study.Pruner.Name.ShouldBe("none");
        study.Pruner.Options.ShouldBeEmpty();
        study.Timeout.ShouldBe(TimeSpan.FromSeconds(90.5));
    }

    [Theory]
    [InlineData("{ name: bayesian, gp_trials: 40 }", "auto", typeof(Vernier.Samplers.Auto.AutoSampler))]
    [InlineData("{ name: pbt, population_size: 4 }", "population", typeof(Vernier.Samplers.Population.PopulationSampler))]
    public void Parse_StrategyAlias_IsTheSamplerItStandsFor(string strategy, string canonical, Type sampler)
    {
        StudyDefinition study = StudyDefinitionLoader.Parse(
            $"space: {{ x: {{ type: float, low: 0, high: 1 }} }}\nobjective: {{ callable: 'a.dll:T.M' }}\nstrategy: {strategy}\n",
            "s.yaml");

        study.Strategy.Name.ShouldBe(canonical);
        StudyComposition.CreateSampler(study.Strategy, study.Space).ShouldBeOfType(sampler);
    }

    [Fact]
    public void Parse_SeedAboveLongRange_IsAccepted()
    {
        StudyDefinition study = StudyDefinitionLoader.Parse(
            "space: { x: { type: int, low: 0, high: 1 } }\nobjective: { callable: 'a.dll:T.M' }\nstrategy: { seed: 18446744073709551615 }\n",
            "s.yaml");

        study.Strategy.Seed.ShouldBe(ulong.MaxValue);
        study.Strategy.Name.ShouldBe("auto");
    }

    [Fact]
    public void Parse_QuotedNumberChoice_StaysAString()
    {
        StudyDefinition study = StudyDefinitionLoader.Parse(
            "space: { v: { type: choice, values: ['4', 4, 4.5, true, null, yes] } }\nobjective: { callable: 'a.dll:T.M' }\n",
            "s.yaml");

        ((CategoricalDistribution)study.Space.Find("v")!.Distribution).Choices.ShouldBe(["4", 4L, 4.5, true, null, "yes"]);
    }

    [Fact]
    public void Load_File_SetsSourcePathAndResolvesRelativePathsAgainstIt()
    {
        string directory = Directory.CreateTempSubdirectory("vernier-config-").FullName;
        try
        {
            string path = Path.Combine(directory, "digits.yaml");
            File.WriteAllText(path, ExampleYaml.Replace("name: mlp-digits            # optional\n", "", StringComparison.Ordinal));

            StudyDefinition study = StudyDefinitionLoader.Load(path);

            study.Name.ShouldBe("digits");
            study.SourcePath.ShouldBe(path);
            study.ResolvePath("train.py").ShouldBe(Path.Combine(directory, "train.py"));
            study.ResolvePath("/abs/x.db").ShouldBe("/abs/x.db");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound() =>
        Should.Throw<FileNotFoundException>(() => StudyDefinitionLoader.Load(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.yaml")));

    [Fact]
    public void ConfigException_CarriesItsParts()
    {
        ConfigException e = Should.Throw<ConfigException>(() => StudyDefinitionLoader.Parse("space: []\nobjective: {}\n", "dir/s.yaml"));

        e.File.ShouldBe("dir/s.yaml");
        e.Line.ShouldBe(1);
        e.Column.ShouldBe(8);
        e.Problem.ShouldBe("the search space is empty");
        e.Hint.ShouldBe("declare at least one parameter");
        e.ShouldBeAssignableTo<VernierException>();
    }

    private sealed class StrategyComparer : IEqualityComparer<StrategyDefinition>
    {
        public static readonly StrategyComparer Instance = new();

        public bool Equals(StrategyDefinition? x, StrategyDefinition? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Seed == y.Seed && x.Options.SequenceEqual(y.Options);

        public int GetHashCode(StrategyDefinition obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
