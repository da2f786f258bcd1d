using Vernier.Distributions;
using Vernier.Runner.Config;
using Vernier.Runner.Objectives;
using Vernier.Samplers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Config;

/// <summary>
/// A corpus of Weights &amp; Biases sweep files in the shapes people write (<c>Config/WandbSweeps/</c>), each with its
/// expected study: strategy, metric, budget, every parameter's distribution, the pruner, and the command a fixed
/// parameter set renders to; or, for the files Vernier refuses, the exact message.
/// </summary>
public sealed class WandbSweepCorpusTests
{
    private static readonly string Folder = FindFolder();

    /// <summary>What an accepted file becomes.</summary>
    public sealed record Accepted(
        string Name,
        string Strategy,
        StudyDirection Direction,
        string Metric,
        int? MaxTrials,
        (string Name, ParameterDistribution Distribution)[] Parameters,
        string Pruner,
        (string Key, object Value)[] PrunerOptions,
        string[] Command,
        int? GridPoints = null);

    private static readonly Dictionary<string, Accepted> AcceptedFiles = new(StringComparer.Ordinal)
    {
        ["docs-quickstart.yaml"] = new(
            "sweepdemo", "gp", StudyDirection.Minimize, "validation_loss", null,
            [
                ("learning_rate", new FloatDistribution(0.0001, 0.1)),
                ("batch_size", new CategoricalDistribution([16L, 32L, 64L])),
                ("epochs", new CategoricalDistribution([5L, 10L, 15L])),
                ("optimizer", new CategoricalDistribution(["adam", "sgd"])),
            ],
            "none", [],
            ["python3", "train.py", "--learning_rate=0.1", "--batch_size=16", "--epochs=5", "--optimizer=adam"]),

        ["huggingface-trainer.yaml"] = new(
            "bert-mrpc-sweep", "gp", StudyDirection.Maximize, "eval/accuracy", 30,
            [
                ("learning_rate", new FloatDistribution(1e-5, 5e-5, log: true)),
                ("per_device_train_batch_size", new CategoricalDistribution([16L, 32L])),
                ("num_train_epochs", new CategoricalDistribution([2L, 3L, 4L])),
                ("weight_decay", new FloatDistribution(0, 0.3)),
                ("warmup_ratio", new FloatDistribution(0, 0.1)),
                ("seed", new CategoricalDistribution([42L])),
            ],
            "none", [],
            [
                "python3", "run_glue.py", "--model_name_or_path", "bert-base-uncased", "--task_name", "mrpc", "--do_train", "--do_eval",
                "--output_dir", "./outputs", "--report_to", "wandb",
                "--learning_rate=5e-05", "--per_device_train_batch_size=16", "--num_train_epochs=2", "--weight_decay=0.3", "--warmup_ratio=0.1", "--seed=42",
            ]),

        ["lightning-cli.yaml"] = new(
            "lightning-cli", "random", StudyDirection.Minimize, "val/loss", 50,
            [
                ("model.lr", new FloatDistribution(1e-5, 0.01, log: true)),
                ("model.hidden_dim", new CategoricalDistribution([128L, 256L, 512L])),
                ("model.dropout", new FloatDistribution(0, 0.5)),
                ("data.batch_size", new CategoricalDistribution([32L, 64L, 128L])),
                ("trainer.max_epochs", new CategoricalDistribution([20L])),
                ("trainer.precision", new CategoricalDistribution(["16-mixed"])),
            ],
            "hyperband", [("min_resource", 2L), ("max_resource", "auto"), ("reduction_factor", 2L)],
            [
                "python3", "main.py", "fit", "--config", "configs/base.yaml",
                "--model.lr=0.01", "--model.hidden_dim=128", "--model.dropout=0.5", "--data.batch_size=32", "--trainer.max_epochs=20", "--trainer.precision=16-mixed",
            ]),

        ["keras-hyperband.yaml"] = new(
            "keras-hyperband", "random", StudyDirection.Maximize, "val_accuracy", null,
            [
                ("dropout", new CategoricalDistribution([0.3, 0.4, 0.5])),
                ("layer_1_size", new CategoricalDistribution([16L, 32L, 64L, 128L])),
                ("layer_2_size", new CategoricalDistribution([16L, 32L, 64L, 128L])),
                ("activation", new CategoricalDistribution(["relu", "elu", "selu", "sigmoid"])),
                ("optimizer", new CategoricalDistribution(["adam", "rmsprop", "sgd", "nadam"])),
                ("learning_rate", new FloatDistribution(0.0001, 0.01)),
                ("epochs", new CategoricalDistribution([27L])),
            ],
            // max_iter 27 and s 2 with eta 3: the smallest budget is 27 / 3^2 = 3.
            "hyperband", [("min_resource", 3L), ("max_resource", 27L), ("reduction_factor", 3L)],
            [
                "python3", "train-keras.py",
                "--dropout=0.3", "--layer_1_size=16", "--layer_2_size=16", "--activation=relu", "--optimizer=adam", "--learning_rate=0.01", "--epochs=27",
            ]),

        ["rl-ppo-nested.yaml"] = new(
            "ppo-cartpole", "gp", StudyDirection.Maximize, "charts/episodic_return", 64,
            [
                ("env_id", new CategoricalDistribution(["CartPole-v1"])),
                ("total_timesteps", new CategoricalDistribution([500000L])),
                ("gamma", new FloatDistribution(0.9, 0.9999)),
                ("gae_lambda", new FloatDistribution(0.8, 1.0)),
                ("clip_coef", new CategoricalDistribution([0.1, 0.2, 0.3])),
                ("ent_coef", new FloatDistribution(1e-5, 0.01, log: true)),
                ("num_steps", new CategoricalDistribution([128L, 256L, 512L])),
                ("anneal_lr", new CategoricalDistribution([true, false])),
                ("optimizer.lr", new FloatDistribution(0.0001, 0.003, log: true)),
                ("optimizer.eps", new CategoricalDistribution([1e-5])),
                ("optimizer.betas.beta1", new CategoricalDistribution([0.9, 0.95])),
                ("optimizer.betas.beta2", new CategoricalDistribution([0.99, 0.999])),
            ],
            "none", [],
            [
                "python", "ppo.py", "--track",
                "--env_id=CartPole-v1", "--total_timesteps=500000", "--gamma=0.9999", "--gae_lambda=1.0", "--clip_coef=0.1", "--ent_coef=0.01",
                "--num_steps=128", "--anneal_lr=true", "--optimizer.lr=0.003", "--optimizer.eps=1e-05", "--optimizer.betas.beta1=0.9", "--optimizer.betas.beta2=0.99",
            ]),

        ["yolo-uniform.yaml"] = new(
            "yolo-uniform", "random", StudyDirection.Maximize, "metrics/mAP_0.5", null,
            [
                ("data", new CategoricalDistribution(["data/coco128.yaml"])),
                ("batch_size", new CategoricalDistribution([64L])),
                ("epochs", new CategoricalDistribution([10L])),
                ("lr0", new FloatDistribution(1e-5, 0.1)),
                ("lrf", new FloatDistribution(0.01, 1.0)),
                ("momentum", new FloatDistribution(0.6, 0.98)),
                ("weight_decay", new FloatDistribution(0, 0.001)),
                ("warmup_epochs", new FloatDistribution(0, 5)),
                ("box", new FloatDistribution(0.02, 0.2)),
                ("cls", new FloatDistribution(0.2, 4)),
                ("hsv_h", new FloatDistribution(0, 0.1)),
                ("degrees", new FloatDistribution(0, 45)),
                ("fliplr", new FloatDistribution(0, 1)),
                ("mosaic", new FloatDistribution(0, 1)),
            ],
            "none", [],
            [
                "python3", "utils/loggers/wandb/sweep.py",
                "--data=data/coco128.yaml", "--batch_size=64", "--epochs=10", "--lr0=0.1", "--lrf=1.0", "--momentum=0.98", "--weight_decay=0.001",
                "--warmup_epochs=5.0", "--box=0.2", "--cls=4.0", "--hsv_h=0.1", "--degrees=45.0", "--fliplr=1.0", "--mosaic=1.0",
            ]),

        ["grid-resnet.yaml"] = new(
            "resnet-grid", "grid", StudyDirection.Maximize, "test_acc", null,
            [
                ("arch", new CategoricalDistribution(["resnet18", "resnet34"])),
                ("lr", new CategoricalDistribution([0.1, 0.05, 0.01])),
                ("weight_decay", new CategoricalDistribution([0.0005, 0.0001])),
                ("label_smoothing", new FloatDistribution(0, 0.2, step: 0.1)),
                ("seed", new CategoricalDistribution([0L, 1L, 2L])),
                ("epochs", new CategoricalDistribution([200L])),
            ],
            "none", [],
            ["python3", "train_cifar.py", "--arch=resnet18", "--lr=0.1", "--weight_decay=0.0005", "--label_smoothing=0.2", "--seed=0", "--epochs=200"],
            GridPoints: 2 * 3 * 2 * 3 * 3),

        ["bayes-hyperband-min-iter.yaml"] = new(
            "bayes-hyperband-min-iter", "gp", StudyDirection.Minimize, "val_loss", null,
            [
                ("lr", new FloatDistribution(0.0001, 0.1)),
                ("num_layers", new IntDistribution(2, 8)),
                ("hidden_size", new CategoricalDistribution([64L, 128L, 256L])),
                ("epochs", new CategoricalDistribution([30L])),
            ],
            "hyperband", [("min_resource", 3L), ("max_resource", "auto"), ("reduction_factor", 3L)],
            ["python3", "train.py", "--lr=0.1", "--num_layers=8", "--hidden_size=64", "--epochs=30"]),

        ["log-scales.yaml"] = new(
            "log-scales", "random", StudyDirection.Minimize, "eval_loss", null,
            [
                ("learning_rate", new FloatDistribution(0.00003, 0.003, log: true)),
                ("batch_size", new IntDistribution(16, 512, log: true)),
                ("warmup_steps", new IntDistribution(100, 10000, log: true)),
                ("weight_decay", new FloatDistribution(0.001, 0.1, log: true)),
                // log_uniform and inv_log_uniform bounds are natural-log exponents.
                ("adam_epsilon", new FloatDistribution(Math.Exp(-20.7), Math.Exp(-13.8), log: true)),
                ("grad_clip", new FloatDistribution(1, Math.Exp(2.3), log: true)),
            ],
            "none", [],
            [
                "python3", "pretrain.py", "--learning_rate=0.003", "--batch_size=512", "--warmup_steps=10000", "--weight_decay=0.1",
                "--adam_epsilon=1.0156314710024903e-06", "--grad_clip=9.974182454814718",
            ]),

        ["normal-priors.yaml"] = new(
            "normal-priors", "gp", StudyDirection.Maximize, "val_f1", null,
            [
                ("learning_rate", new NormalDistribution(-9.2, 0.5, log: true)),
                ("warmup_steps", new NormalDistribution(6.2, 0.4, log: true, step: 50)),
                ("temperature", new NormalDistribution(1.0, 0.2)),
                ("max_length", new NormalDistribution(256, 32, step: 8)),
            ],
            "none", [],
            ["python3", "finetune.py", "--learning_rate=0.00010103940183709342", "--warmup_steps=500.0", "--temperature=1.0", "--max_length=256.0"]),

        ["hydra-no-hyphens.yaml"] = new(
            "hydra-no-hyphens", "random", StudyDirection.Maximize, "val/acc", 40,
            [
                ("model.encoder", new CategoricalDistribution(["vit_tiny", "vit_small"])),
                ("optimizer.lr", new FloatDistribution(0.0001, 0.001, log: true)),
                ("optimizer.weight_decay", new CategoricalDistribution([0.0, 0.05])),
                ("trainer.max_epochs", new CategoricalDistribution([50L])),
            ],
            "none", [],
            [
                "python3", "train.py", "+experiment=imagenet100",
                "model.encoder=vit_tiny", "optimizer.lr=0.001", "optimizer.weight_decay=0.0", "trainer.max_epochs=50", "hydra.run.dir=outputs/sweep",
            ]),

        ["json-args.yaml"] = new(
            "json-args", "grid", StudyDirection.Maximize, "score", null,
            [
                ("model", new CategoricalDistribution(["xgboost", "lightgbm"])),
                ("max_depth", new CategoricalDistribution([4L, 6L, 8L])),
                ("subsample", new CategoricalDistribution([0.8])),
            ],
            "none", [],
            [
                "bash", "scripts/with_env.sh", "python3", "scripts/run_experiment.py",
                "--config", "{\"model\": \"xgboost\", \"max_depth\": 4, \"subsample\": 0.8}", "--params-file", "/tmp/t0/params.json",
            ],
            GridPoints: 6),

        ["controller-local.yaml"] = new(
            "controller-local", "random", StudyDirection.Minimize, "loss", null,
            [
                ("lr", new CategoricalDistribution([0.001, 0.01])),
                ("use_bn", new CategoricalDistribution([true, false])),
            ],
            "none", [],
            ["python3", "train.py", "--lr=0.001", "--use_bn=true"]),
    };

    /// <summary>What each refused file's message says after its path: line:col, the key, and a hint.</summary>
    private static readonly Dictionary<string, string> RefusedFiles = new(StringComparer.Ordinal)
    {
        ["refused-envelope.yaml"] = "8:9: unknown early_terminate type 'envelope'; allowed: hyperband",
        ["refused-beta.yaml"] =
            "11:19: distribution 'beta' of parameter 'mixup_alpha' cannot be honoured: Vernier has no beta distribution; use distribution uniform with min and max, or values: [...]",
        ["refused-boolean-flags.yaml"] =
            "15:5: ${args_no_boolean_flags} cannot be honoured: parameter 'augment' takes booleans, which would become bare flags; use ${args} (passes --name=true or --name=false), or make the values strings",
        ["refused-metric-target.yaml"] = "7:3: 'target' (stop the sweep once a run reaches a value) cannot be honoured; remove it; bound the sweep with run_cap instead",
        ["refused-method-hyperopt.yaml"] = "3:9: unknown method 'hyperopt'; allowed: grid, random, bayes",
        ["refused-list-values.yaml"] =
            "14:9: a value of 'net_arch' is a list, which cannot be honoured: Vernier's choices are strings, numbers, booleans or null; write it as a string (\"64,64\") and parse it in the program, or split it into one parameter per entry",
    };

    public static TheoryData<string> AcceptedNames => [.. AcceptedFiles.Keys];

    public static TheoryData<string> RefusedNames => [.. RefusedFiles.Keys];

    [Fact]
    public void EveryFileInTheCorpusHasAnExpectation()
    {
        string[] files = [.. Directory.GetFiles(Folder, "*.yaml").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

        Assert.Equal(AcceptedFiles.Keys.Concat(RefusedFiles.Keys).Order(StringComparer.Ordinal), files);
        Assert.True(AcceptedFiles.Count >= 12, $"{AcceptedFiles.Count} accepted files");
        Assert.True(RefusedFiles.Count >= 3, $"{RefusedFiles.Count} refused files");
    }

    [Theory]
    [MemberData(nameof(AcceptedNames))]
    public void AnAcceptedFileReadsIntoTheExpectedStudy(string file)
    {
        Accepted expected = AcceptedFiles[file];

        StudyDefinition study = StudyDefinitionLoader.Load(Path.Combine(Folder, file));

        Assert.Equal(expected.Name, study.Name);
        Assert.Equal(expected.Strategy, study.Strategy.Name);
        Assert.Equal([expected.Direction], study.Directions.ToArray());
        Assert.Equal([expected.Metric], study.Objective.Metrics.ToArray());
        Assert.Equal(expected.MaxTrials, study.MaxTrials);
        Assert.Equal(expected.Parameters.Select(p => p.Name), study.Space.Parameters.Select(p => p.Name));
        foreach ((string name, ParameterDistribution distribution) in expected.Parameters)
        {
            Assert.True(distribution.Equals(study.Space.Find(name)!.Distribution), $"{name}: expected {distribution}, got {study.Space.Find(name)!.Distribution}");
        }

        Assert.Equal(expected.Pruner, study.Pruner.Name);
        Assert.Equal(expected.PrunerOptions.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"), study.Pruner.Options.Select(o => $"{o.Key}={o.Value}"));
        Assert.Equal(expected.PrunerOptions.Select(o => o.Value.GetType()), expected.PrunerOptions.Select(o => study.Pruner.Options[o.Key]!.GetType()));
        Assert.Equal(CommandArgumentStyle.None, study.Objective.PassParameters);
    }

    [Theory]
    [MemberData(nameof(AcceptedNames))]
    public void AnAcceptedFileRendersTheCommandForAFixedParameterSet(string file)
    {
        StudyDefinition study = StudyDefinitionLoader.Load(Path.Combine(Folder, file));

        // The fixed set: each parameter at its first choice, its upper bound, or (a normal) its median rounded to its step.
        List<KeyValuePair<string, object?>> values = [.. study.Space.Parameters.Select(p => new KeyValuePair<string, object?>(p.Name, Fixed(p.Distribution)))];
        List<string> argv = CommandTemplate.Parse(study.Objective.Command!.Value).Render(0, "/tmp/t0", values, study.Objective.PassParameters);

        Assert.Equal(AcceptedFiles[file].Command, argv);
    }

    [Theory]
    [MemberData(nameof(AcceptedNames))]
    public async Task AnAcceptedFileBuildsAStudyThatAsksATrialInItsSpace(string file)
    {
        StudyDefinition definition = StudyDefinitionLoader.Load(Path.Combine(Folder, file));

        await using Study study = await StudyComposition.CreateBuilder(definition, new InMemoryStorage()).CreateAsync();
        Trial trial = await study.AskAsync(definition.Space);

        Assert.Equal(definition.Space.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal), trial.Params.Keys.Order(StringComparer.Ordinal));
        foreach (ParameterSpec parameter in definition.Space.Parameters)
        {
            object? value = trial.Params[parameter.Name];
            Assert.True(parameter.Distribution.Contains(parameter.Distribution.ToInternal(value)), $"{parameter.Name} = {value} is outside {parameter.Distribution}");
        }

        Assert.Equal(AcceptedFiles[file].Pruner == "none" ? "NopPruner" : "HyperbandPruner", study.Pruner.GetType().Name);
        if (AcceptedFiles[file].GridPoints is int points)
        {
            Assert.Equal(points, Assert.IsType<GridSampler>(study.Sampler).Grid.Points.Length);
        }

        await study.TellAsync(trial, 1.0);
    }

    [Theory]
    [MemberData(nameof(RefusedNames))]
    public void ARefusedFileGetsAnExactMessageNamingTheKey(string file)
    {
        string path = Path.Combine(Folder, file);

        ConfigException error = Assert.Throws<ConfigException>(() => StudyDefinitionLoader.Load(path));

        Assert.Equal($"{path}:{RefusedFiles[file]}", error.Message);
    }

    private static object? Fixed(ParameterDistribution distribution) => distribution switch
    {
        CategoricalDistribution c => c.Choices[0],
        IntDistribution i => i.High,
        FloatDistribution f => f.High,
        NormalDistribution n => (n.Log ? Math.Exp(n.Mean) : n.Mean) is var median && n.Step is double step ? Math.Round(median / step) * step : (n.Log ? Math.Exp(n.Mean) : n.Mean),
        _ => throw new ArgumentOutOfRangeException(nameof(distribution), distribution, "not a distribution a W&B sweep maps to"),
    };

    private static string FindFolder()
    {
        // Read from the repository (as TheExampleSweepFileLoads does), so a failure names the file you edit.
        string dir = AppContext.BaseDirectory;
        string relative = Path.Combine("tests", "Vernier.Runner.Tests", "Config", "WandbSweeps");
        while (!Directory.Exists(Path.Combine(dir, relative)))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException($"{relative} not found above the test folder");
        }

        return Path.Combine(dir, relative);
    }
}
