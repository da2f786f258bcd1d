using Vernier.Distributions;
using Vernier.Runner.Config;
using Vernier.Runner.Objectives;
using Vernier.Studies;

namespace Vernier.Runner.Tests.Config;

/// <summary>A Weights &amp; Biases sweep file is read as is, mapped onto Vernier's study definition.</summary>
public sealed class WandbSweepReaderTests
{
    private const string Head = "program: train.py\nmethod: random\nmetric: { name: val_loss, goal: minimize }\n";

    private static StudyDefinition Parse(string yaml) => StudyDefinitionLoader.Parse(yaml, "sweep.yaml");

    private static ParameterDistribution Param(string parameters, string name = "x") =>
        Parse(Head + "parameters:\n" + parameters).Space.Find(name)!.Distribution;

    private static string Error(string yaml) => Assert.Throws<ConfigException>(() => Parse(yaml)).Message;

    [Fact]
    public void TheDocumentedExampleReadsIntoAStudy()
    {
        StudyDefinition study = Parse("""
            program: train.py
            name: sweepdemo
            project: demo        # descriptive, ignored
            entity: me           # descriptive, ignored
            description: a demo  # descriptive, ignored
            method: bayes
            metric: { goal: maximize, name: val_acc }
            run_cap: 20
            parameters:
              learning_rate: { min: 0.0001, max: 0.1 }
              batch_size: { values: [16, 32, 64] }
              epochs: { value: 5 }
            """);

        Assert.Equal("sweepdemo", study.Name);
        Assert.Equal("gp", study.Strategy.Name);
        Assert.Equal(new[] { "val_acc" }, study.Objective.Metrics.ToArray());
        Assert.Equal(new[] { StudyDirection.Maximize }, study.Directions.ToArray());
        Assert.Equal(20, study.MaxTrials);
        Assert.Equal(new FloatDistribution(0.0001, 0.1), study.Space.Find("learning_rate")!.Distribution);
        Assert.Equal(new CategoricalDistribution([16L, 32L, 64L]), study.Space.Find("batch_size")!.Distribution);
        Assert.Equal(new CategoricalDistribution([5L]), study.Space.Find("epochs")!.Distribution);
        Assert.Equal(CommandArgumentStyle.None, study.Objective.PassParameters);
        Assert.Equal(new[] { "python3", "train.py", "--learning_rate={learning_rate}", "--batch_size={batch_size}", "--epochs={epochs}" }, study.Objective.Command!.Value.ToArray());
    }

    [Theory]
    [InlineData("grid", "grid")]
    [InlineData("random", "random")]
    [InlineData("bayes", "gp")]
    public void MethodsMapOntoStrategies(string method, string strategy) =>
        Assert.Equal(strategy, Parse($"program: t.py\nmethod: {method}\nmetric: {{ name: m }}\nparameters: {{ x: {{ values: [1, 2] }} }}\n").Strategy.Name);

    [Fact]
    public void GoalDefaultsToMinimize() =>
        Assert.Equal(new[] { StudyDirection.Minimize }, Parse("program: t.py\nmethod: random\nmetric: { name: m }\nparameters: { x: { value: 1 } }\n").Directions.ToArray());

    [Fact]
    public void MinAndMaxInferIntegerOrFloat()
    {
        Assert.Equal(new IntDistribution(1, 10), Param("  x: { min: 1, max: 10 }\n"));
        Assert.Equal(new FloatDistribution(1, 10), Param("  x: { min: 1, max: 10.0 }\n"));
    }

    [Fact]
    public void EveryBoundedDistributionMapsOntoVernier()
    {
        Assert.Equal(new CategoricalDistribution(["a"]), Param("  x: { distribution: constant, value: a }\n"));
        Assert.Equal(new CategoricalDistribution(["a", "b"]), Param("  x: { distribution: categorical, values: [a, b] }\n"));
        Assert.Equal(new IntDistribution(2, 8), Param("  x: { distribution: int_uniform, min: 2, max: 8 }\n"));
        Assert.Equal(new FloatDistribution(2, 8), Param("  x: { distribution: uniform, min: 2, max: 8 }\n"));
        Assert.Equal(new FloatDistribution(0, 1, step: 0.25), Param("  x: { distribution: q_uniform, min: 0, max: 1, q: 0.25 }\n"));
        Assert.Equal(new FloatDistribution(0, 2, step: 1), Param("  x: { distribution: q_uniform, min: 0, max: 2.5 }\n"));
        Assert.Equal(new FloatDistribution(Math.Exp(-9), Math.Exp(-2), log: true), Param("  x: { distribution: log_uniform, min: -9, max: -2 }\n"));
        Assert.Equal(new FloatDistribution(1e-5, 1e-1, log: true), Param("  x: { distribution: log_uniform_values, min: 0.00001, max: 0.1 }\n"));
        Assert.Equal(new FloatDistribution(1e-5, 1e-1, log: true), Param("  x: { distribution: inv_log_uniform_values, min: 0.00001, max: 0.1 }\n"));
        Assert.Equal(new IntDistribution(16, 256, log: true), Param("  x: { distribution: q_log_uniform_values, min: 16, max: 256 }\n"));
        Assert.Equal(new IntDistribution(1, 20, log: true), Param("  x: { distribution: q_log_uniform_values, min: 1, max: 20, q: 1 }\n"));
        Assert.Equal(new IntDistribution(32, 256, log: true), Param("  x: { distribution: q_log_uniform, min: 3.4657359027997265, max: 5.545177444479562, q: 1 }\n"));
    }

    [Fact]
    public void TheNormalFamilyMapsOntoNormalDistributions()
    {
        Assert.Equal(new NormalDistribution(0.5, 2), Param("  x: { distribution: normal, mu: 0.5, sigma: 2 }\n"));
        Assert.Equal(new NormalDistribution(0, 1), Param("  x: { distribution: normal }\n"));
        Assert.Equal(new NormalDistribution(10, 3, step: 2), Param("  x: { distribution: q_normal, mu: 10, sigma: 3, q: 2 }\n"));
        Assert.Equal(new NormalDistribution(0, 1, step: 1), Param("  x: { distribution: q_normal }\n"));
        // log_normal: W&B's mu and sigma are those of the logarithm.
        Assert.Equal(new NormalDistribution(-7, 1.5, log: true), Param("  x: { distribution: log_normal, mu: -7, sigma: 1.5 }\n"));
        Assert.Equal(new NormalDistribution(0, 1, log: true), Param("  x: { distribution: log_normal }\n"));
        Assert.Equal(new NormalDistribution(3, 0.5, log: true, step: 8), Param("  x: { distribution: q_log_normal, mu: 3, sigma: 0.5, q: 8 }\n"));
        Assert.Equal(new NormalDistribution(2, 1, log: true, step: 1), Param("  x: { distribution: q_log_normal, mu: 2 }\n"));
    }

    [Fact]
    public void ASweepWithEveryNormalKindReadsAndRendersItsValues()
    {
        StudyDefinition study = Parse("""
            program: train.py
            method: bayes
            metric: { name: val_loss }
            parameters:
              optimizer:
                parameters:
                  lr: { distribution: log_normal, mu: -6.9, sigma: 1 }
                  warmup: { distribution: q_log_normal, mu: 5, sigma: 0.5, q: 10 }
              init_shift: { distribution: normal, mu: 0, sigma: 0.1 }
              label_smoothing_pct: { distribution: q_normal, mu: 10, sigma: 3, q: 1 }
            """);

        Assert.Equal("gp", study.Strategy.Name);
        Assert.Equal(new NormalDistribution(-6.9, 1, log: true), study.Space.Find("optimizer.lr")!.Distribution);
        Assert.Equal(new NormalDistribution(5, 0.5, log: true, step: 10), study.Space.Find("optimizer.warmup")!.Distribution);
        Assert.Equal(new NormalDistribution(0, 0.1), study.Space.Find("init_shift")!.Distribution);
        Assert.Equal(new NormalDistribution(10, 3, step: 1), study.Space.Find("label_smoothing_pct")!.Distribution);
        Assert.Equal(
            new[] { "python3", "train.py", "--optimizer.lr={optimizer.lr}", "--optimizer.warmup={optimizer.warmup}", "--init_shift={init_shift}", "--label_smoothing_pct={label_smoothing_pct}" },
            study.Objective.Command!.Value.ToArray());
    }

    [Fact]
    public void NestedParametersBecomeDottedNames()
    {
        StudyDefinition study = Parse(Head + """
            parameters:
              optimizer:
                parameters:
                  name: { values: [adam, sgd] }
                  lr: { min: 0.001, max: 0.1 }
              epochs: { value: 3 }
            """);

        Assert.Equal(["optimizer.name", "optimizer.lr", "epochs"], study.Space.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void HyperbandWithMinIterMapsOntoTheHyperbandPruner()
    {
        PrunerDefinition pruner = Parse(Head + "parameters: { x: { value: 1 } }\nearly_terminate: { type: hyperband, min_iter: 3, eta: 2 }\n").Pruner;

        Assert.Equal("hyperband", pruner.Name);
        Assert.Equal(3L, pruner.Options["min_resource"]);
        Assert.Equal("auto", pruner.Options["max_resource"]);
        Assert.Equal(2L, pruner.Options["reduction_factor"]);
    }

    [Fact]
    public void HyperbandWithMaxIterAndSComputesTheSmallestBudget()
    {
        PrunerDefinition pruner = Parse(Head + "parameters: { x: { value: 1 } }\nearly_terminate: { type: hyperband, max_iter: 27, s: 2 }\n").Pruner;

        Assert.Equal(3L, pruner.Options["min_resource"]);
        Assert.Equal(27L, pruner.Options["max_resource"]);
        Assert.Equal(3L, pruner.Options["reduction_factor"]);
        Assert.NotNull(PrunerStrategies.Create(pruner.Name, pruner.Options));
    }

    [Fact]
    public void CommandMacrosExpandToPlaceholders()
    {
        StudyDefinition study = Parse("""
            program: train.py
            method: grid
            metric: { name: loss }
            parameters:
              lr: { values: [0.1, 0.01] }
              opt: { values: [adam, sgd] }
            command: ["${env}", "${interpreter}", "${program}", "--config={cfg}", "${args_no_hyphens}", "${args_json}", "${args_json_file}"]
            """);

        Assert.Equal(
            new[] { "python3", "train.py", "--config={{cfg}}", "lr={lr}", "opt={opt}", "{\"lr\": {lr}, \"opt\": \"{opt}\"}", "{trial_dir}/params.json" },
            study.Objective.Command!.Value.ToArray());
    }

    [Fact]
    public void RenderedArgumentsCarryTheTrialsValues()
    {
        StudyDefinition study = Parse(Head + "parameters:\n  lr: { value: 0.5 }\n  opt: { value: adam }\ncommand: [\"${interpreter}\", \"${program}\", \"${args}\", \"${args_json}\"]\n");
        List<string> argv = CommandTemplate.Parse(study.Objective.Command!.Value).Render(
            0, "/tmp/t0", [new("lr", 0.5), new("opt", "adam")], study.Objective.PassParameters);

        Assert.Equal(["python3", "train.py", "--lr=0.5", "--opt=adam", "{\"lr\": 0.5, \"opt\": \"adam\"}"], argv);
    }

    [Fact]
    public void TheExampleSweepFileLoads()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "examples", "sweeps", "wandb-sweep.yaml")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("examples/sweeps/wandb-sweep.yaml not found above the test folder");
        }

        StudyDefinition study = StudyDefinitionLoader.Load(Path.Combine(dir, "examples", "sweeps", "wandb-sweep.yaml"));

        Assert.Equal("wandb-sweep-demo", study.Name);
        Assert.Equal("hyperband", study.Pruner.Name);
        Assert.Equal(new FloatDistribution(0.0001, 0.1, log: true), study.Space.Find("learning_rate")!.Distribution);
        Assert.NotNull(study.Space.Find("optimizer.momentum"));
    }

    [Theory]
    [InlineData("local")]
    [InlineData("cloud")]
    public void AControllerIsAcceptedAndIgnoredBecauseVernierRunsTheSearch(string type)
    {
        StudyDefinition study = Parse(Head + $"controller: {{ type: {type} }}\nparameters: {{ x: {{ values: [1, 2] }} }}\n");

        Assert.Equal("random", study.Strategy.Name);
        Assert.Equal(new CategoricalDistribution([1L, 2L]), study.Space.Find("x")!.Distribution);
    }

    [Theory]
    [InlineData("\"false\"")]
    [InlineData("false")]
    public void ImputeWhileRunningAtItsDefaultIsAccepted(string value) =>
        Assert.Equal("m", Parse($"program: t.py\nmethod: bayes\nmetric: {{ name: m, impute_while_running: {value} }}\nparameters: {{ x: {{ value: 1 }} }}\n").Objective.Metrics[0]);

    [Fact]
    public void AFileWithASpaceIsStillAVernierStudyFile() =>
        Assert.Equal("random", Parse("space: { x: { type: int, low: 0, high: 3 } }\nobjective: { command: [a], metric: m }\nstrategy: random\n").Strategy.Name);

    public static TheoryData<string, string, string> BadInput => new()
    {
        {
            "unknown distribution",
            Head + "parameters:\n  x: { distribution: unifrom, min: 0, max: 1 }\n",
            "sweep.yaml:5:22: unknown distribution 'unifrom' for parameter 'x'; did you mean 'uniform'? allowed: constant, categorical, int_uniform, uniform, q_uniform, log_uniform, log_uniform_values, q_log_uniform, q_log_uniform_values, inv_log_uniform, inv_log_uniform_values, normal, q_normal, log_normal, q_log_normal"
        },
        {
            "min above max",
            Head + "parameters:\n  x: { min: 5, max: 1 }\n",
            "sweep.yaml:5:13: min (5) exceeds max (1) for parameter 'x'; swap them"
        },
        {
            "missing metric name",
            "program: t.py\nmethod: random\nmetric: { goal: maximize }\nparameters: { x: { value: 1 } }\n",
            "sweep.yaml:3:9: missing required key 'name' in 'metric'; write metric: { name: val_loss, goal: minimize }; the program prints METRIC val_loss=<value>"
        },
        {
            "missing metric",
            "program: t.py\nmethod: random\nparameters: { x: { value: 1 } }\n",
            "sweep.yaml:1:1: missing required key 'metric' of a W&B sweep file; Vernier needs the metric to optimise: write metric: { name: val_loss, goal: minimize }, and have the program print METRIC val_loss=<value>"
        },
        {
            "normal with a sigma that is not positive",
            Head + "parameters:\n  x: { distribution: normal, mu: 0, sigma: 0 }\n",
            "sweep.yaml:5:44: sigma must be positive, got '0'"
        },
        {
            "q_normal with a q that is not positive",
            Head + "parameters:\n  x: { distribution: q_normal, q: -1 }\n",
            "sweep.yaml:5:35: q must be positive, got '-1'"
        },
        {
            "min and max do not apply to a normal",
            Head + "parameters:\n  x: { distribution: normal, min: 0, max: 1 }\n",
            "sweep.yaml:5:30: 'min' does not apply to distribution normal (parameter 'x'); normal takes mu, sigma"
        },
        {
            "grid over a normal",
            "program: t.py\nmethod: grid\nmetric: { name: m }\nparameters:\n  x: { distribution: q_normal, mu: 0, sigma: 1, q: 1 }\n",
            "sweep.yaml:5:3: method grid needs a finite set of values, but 'x' is an unbounded normal(mean 0, std 1) step 1; give it 'values', or distribution q_uniform with q"
        },
        {
            "unknown method",
            "program: t.py\nmethod: bayesian\nmetric: { name: m }\nparameters: { x: { value: 1 } }\n",
            "sweep.yaml:2:9: unknown method 'bayesian'; allowed: grid, random, bayes"
        },
        {
            "unknown top-level key",
            Head + "parameters: { x: { value: 1 } }\nrun_caps: 3\n",
            "sweep.yaml:5:1: unknown key 'run_caps' of a W&B sweep file; did you mean 'run_cap'? allowed keys: program, method, metric, parameters, early_terminate, command, run_cap, name, description, project, entity, controller"
        },
        {
            "metric target",
            "program: t.py\nmethod: random\nmetric: { name: m, target: 0.9 }\nparameters: { x: { value: 1 } }\n",
            "sweep.yaml:3:20: 'target' (stop the sweep once a run reaches a value) cannot be honoured; remove it; bound the sweep with run_cap instead"
        },
        {
            "probabilities",
            Head + "parameters:\n  x: { values: [a, b], probabilities: [0.3, 0.7] }\n",
            "sweep.yaml:5:24: 'probabilities' of parameter 'x' cannot be honoured: Vernier draws choices with equal probability; remove it, or repeat nothing: list each value once"
        },
        {
            "key that does not apply",
            Head + "parameters:\n  x: { distribution: uniform, min: 0, max: 1, q: 0.1 }\n",
            "sweep.yaml:5:47: 'q' does not apply to distribution uniform (parameter 'x'); uniform takes min, max"
        },
        {
            "quantised log float",
            Head + "parameters:\n  x: { distribution: q_log_uniform_values, min: 0.001, max: 1, q: 0.001 }\n",
            "sweep.yaml:5:67: distribution 'q_log_uniform_values' of parameter 'x' with q 0.001 cannot be honoured: Vernier has no quantised log-scale float; use q: 1 (a log-scale integer), log_uniform_values (continuous), or values: [...]"
        },
        {
            "grid over a continuous range",
            "program: t.py\nmethod: grid\nmetric: { name: m }\nparameters:\n  x: { min: 0.0, max: 1.0 }\n",
            "sweep.yaml:5:3: method grid needs a finite set of values, but 'x' is a continuous float[0, 1]; give it 'values', or distribution q_uniform with q"
        },
        {
            "unknown macro",
            Head + "parameters: { x: { value: 1 } }\ncommand: [\"${interpreter}\", \"${program}\", \"${argz}\"]\n",
            "sweep.yaml:5:43: unknown macro ${argz} in 'command'; allowed: ${env}, ${interpreter}, ${program}, ${args}, ${args_no_hyphens}, ${args_no_boolean_flags}, ${args_json}, ${args_json_file}"
        },
        {
            "boolean flags",
            Head + "parameters: { x: { values: [true, false] } }\ncommand: [\"${interpreter}\", \"${program}\", \"${args_no_boolean_flags}\"]\n",
            "sweep.yaml:5:43: ${args_no_boolean_flags} cannot be honoured: parameter 'x' takes booleans, which would become bare flags; use ${args} (passes --name=true or --name=false), or make the values strings"
        },
        {
            "hyperband strict",
            Head + "parameters: { x: { value: 1 } }\nearly_terminate: { type: hyperband, min_iter: 1, strict: true }\n",
            "sweep.yaml:5:50: 'strict' cannot be honoured: Vernier's hyperband pruner follows its own bracket rules; remove it"
        },
        {
            "hyperband without a budget",
            Head + "parameters: { x: { value: 1 } }\nearly_terminate: { type: hyperband, eta: 3 }\n",
            "sweep.yaml:5:18: early_terminate needs 'min_iter', or 'max_iter' with 's'; write e.g. { type: hyperband, min_iter: 3, eta: 3 }"
        },
        {
            "unknown controller type",
            Head + "controller: { type: remote }\nparameters: { x: { value: 1 } }\n",
            "sweep.yaml:4:21: unknown controller type 'remote'; allowed: local, cloud (Vernier runs the search itself either way)"
        },
        {
            "beta, which W&B has and Vernier does not",
            Head + "parameters:\n  x: { distribution: beta, a: 2, b: 5 }\n",
            "sweep.yaml:5:22: distribution 'beta' of parameter 'x' cannot be honoured: Vernier has no beta distribution; use distribution uniform with min and max, or values: [...]"
        },
        {
            "q_beta",
            Head + "parameters:\n  x: { distribution: q_beta, q: 0.1 }\n",
            "sweep.yaml:5:22: distribution 'q_beta' of parameter 'x' cannot be honoured: Vernier has no beta distribution; use distribution q_uniform with min, max and q, or values: [...]"
        },
        {
            "categorical with probabilities",
            Head + "parameters:\n  x: { distribution: categorical_w_probabilities, values: [a, b], probabilities: [0.2, 0.8] }\n",
            "sweep.yaml:5:22: distribution 'categorical_w_probabilities' of parameter 'x' cannot be honoured: Vernier draws choices with equal probability; use values: [...] without probabilities"
        },
        {
            "a or b with a distribution that is not beta",
            Head + "parameters:\n  x: { distribution: uniform, min: 0, max: 1, a: 2 }\n",
            "sweep.yaml:5:47: 'a' does not apply to distribution uniform (parameter 'x'); uniform takes min, max"
        },
        {
            "a list among the values",
            Head + "parameters:\n  x: { values: [[64, 64], 128] }\n",
            "sweep.yaml:5:17: a value of 'x' is a list, which cannot be honoured: Vernier's choices are strings, numbers, booleans or null; write it as a string (\"64,64\") and parse it in the program, or split it into one parameter per entry"
        },
        {
            "a mapping as the value",
            Head + "parameters:\n  x: { value: { depth: 3 } }\n",
            "sweep.yaml:5:15: the value of 'x' is a mapping, which cannot be honoured: Vernier's choices are strings, numbers, booleans or null; write it as a string (\"64,64\") and parse it in the program, or split it into one parameter per entry"
        },
        {
            "metric impute",
            "program: t.py\nmethod: bayes\nmetric: { name: m, impute: worst }\nparameters: { x: { value: 1 } }\n",
            "sweep.yaml:3:20: 'impute' (the value bayes gives failed runs) cannot be honoured: Vernier's samplers leave failed trials out; remove it"
        },
        {
            "metric impute_while_running",
            "program: t.py\nmethod: bayes\nmetric: { name: m, impute_while_running: latest }\nparameters: { x: { value: 1 } }\n",
            "sweep.yaml:3:20: 'impute_while_running' cannot be honoured: Vernier's samplers learn from finished trials only; remove it, or write impute_while_running: \"false\""
        },
        {
            "no method",
            "program: t.py\nmetric: { name: m }\nparameters: { x: { value: 1 } }\n",
            "sweep.yaml:1:1: missing required key 'method' of a W&B sweep file; a W&B sweep file has 'method', 'metric', 'parameters' and 'program' (or 'command')"
        },
        {
            "no program",
            "method: random\nmetric: { name: m }\nparameters: { x: { value: 1 } }\n",
            "sweep.yaml:1:1: missing required key 'program' of a W&B sweep file; name the training script: program: train.py (or give a 'command')"
        },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void BadInputGetsAnExactMessage(string because, string yaml, string message)
    {
        _ = because;
        Assert.Equal(message, Error(yaml));
    }
}
