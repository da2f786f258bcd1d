using System.Text.Json;
using System.Text.Json.Nodes;
using Vernier.Pruners;
using Vernier.Runner.Config;
using Vernier.Runner.Objectives;
using Vernier.Runner.Objectives.Pipelines;
using Vernier.Runner.Outputs;
using Vernier.Runner.Tests.Support;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Objectives.Pipelines;

/// <summary>Pipelines of real <c>bash -c</c> steps: caching, metrics, failures, pruning and timeouts.</summary>
public sealed class PipelineRunnerTests : IDisposable
{
    // Each step appends its name to ran.log in the working directory, so the tests see which steps ran.
    private const string Prepare = """echo prepare >> ran.log; mkdir -p cache; cat prepare.cfg > "cache/data-$1.txt"; echo METRIC rows=100""";
    private const string Train = """echo train >> ran.log; for s in 1 2 3; do echo "METRIC step=$s val_loss=0.$s"; done; echo model > "$VERNIER_TRIAL_DIR/model.bin" """;
    private const string Eval = """echo eval >> ran.log; echo "METRIC val_loss=$1 acc=0.9" """;

    private readonly TempDirectory _temp = new();
    private Study? _study;

    public PipelineRunnerTests() => File.WriteAllText(_temp.Combine("prepare.cfg"), "v1\n");

    public void Dispose()
    {
        _study?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _temp.Dispose();
    }

    private string[] Ran => File.Exists(_temp.Combine("ran.log")) ? File.ReadAllLines(_temp.Combine("ran.log")) : [];

    private static JsonObject Step(string name, string script, string[] args, string[]? outputs = null, string[]? inputs = null)
    {
        var step = new JsonObject { ["name"] = name, ["command"] = new JsonArray(["bash", "-c", script, "--", .. args.Select(a => (JsonNode)a)]) };
        if (outputs is not null)
        {
            step["outputs"] = new JsonArray([.. outputs.Select(o => (JsonNode)o)]);
        }

        if (inputs is not null)
        {
            step["inputs"] = new JsonArray([.. inputs.Select(o => (JsonNode)o)]);
        }

        return step;
    }

    private static JsonObject[] Standard(string train = Train, string eval = Eval) =>
    [
        Step("prepare", Prepare, ["{frac}"], ["cache/data-{frac}.txt"], ["prepare.cfg"]),
        Step("train", train, ["{lr}"], ["{trial_dir}/model.bin"]),
        Step("eval", eval, ["{lr}"]),
    ];

    // A study file in JSON (a subset of YAML), so that scripts need no YAML quoting.
    private StudyDefinition Definition(JsonObject[] steps, Action<JsonObject>? objective = null)
    {
        var objectiveNode = new JsonObject { ["metric"] = "val_loss", ["steps"] = new JsonArray([.. steps]), ["grace_period"] = 1 };
        objective?.Invoke(objectiveNode);
        var study = new JsonObject
        {
            ["space"] = new JsonObject
            {
                ["frac"] = new JsonObject { ["type"] = "choice", ["values"] = new JsonArray(0.5, 0.25) },
                ["lr"] = new JsonObject { ["type"] = "float", ["low"] = 0.001, ["high"] = 1 },
            },
            ["objective"] = objectiveNode,
        };
        string path = _temp.Combine("study.yaml");
        File.WriteAllText(path, study.ToJsonString());
        return StudyDefinitionLoader.Load(path);
    }

    private async Task<FrozenTrial> RunTrialAsync(StudyDefinition definition, double frac, double lr, Pruner? pruner = null)
    {
        _study ??= await Study.Builder("pipeline").UseStorage(new InMemoryStorage()).WithSeed(3).WithPruner(pruner ?? new NopPruner()).CreateAsync();
        await _study.EnqueueTrialAsync(new Dictionary<string, object?> { ["frac"] = frac, ["lr"] = lr }, definition.Space);
        var objective = StudyComposition.CreateObjective(definition, _temp.Combine("trials"));
        await _study.OptimizeAsync(objective, new OptimizeOptions { NTrials = 1, SearchSpace = definition.Space });
        return (await _study.GetTrialsAsync()).OrderBy(t => t.Number).Last();
    }

    private static string[] StepStatuses(FrozenTrial trial) =>
        [.. trial.UserAttributes[CommandStudyObjective.StepsAttribute].EnumerateArray().Select(s => $"{s.GetProperty("name").GetString()}:{s.GetProperty("status").GetString()}")];

    [Fact]
    public async Task RunAsync_SecondTrialWithTheSamePrepareInputs_SkipsPrepareAndReplaysItsMetrics()
    {
        StudyDefinition definition = Definition(Standard());

        FrozenTrial first = await RunTrialAsync(definition, 0.5, 0.2);
        FrozenTrial second = await RunTrialAsync(definition, 0.5, 0.3);

        Ran.ShouldBe(["prepare", "train", "eval", "train", "eval"]);
        StepStatuses(first).ShouldBe(["prepare:ran", "train:ran", "eval:ran"]);
        StepStatuses(second).ShouldBe(["prepare:cached", "train:ran", "eval:ran"]);
        second.State.ShouldBe(TrialState.Complete);
        second.Values.ShouldBe([0.3]);
        StudyOutputs.MetricsOf(second).ShouldBe(new Dictionary<string, double> { ["rows"] = 100, ["val_loss"] = 0.3, ["acc"] = 0.9 }, ignoreOrder: true);
    }

    [Fact]
    public async Task RunAsync_ChangedInputFile_RerunsPrepare()
    {
        StudyDefinition definition = Definition(Standard());
        await RunTrialAsync(definition, 0.5, 0.2);

        await File.WriteAllTextAsync(_temp.Combine("prepare.cfg"), "v2\n");
        FrozenTrial second = await RunTrialAsync(definition, 0.5, 0.2);

        StepStatuses(second).ShouldBe(["prepare:ran", "train:ran", "eval:ran"]);
        (await File.ReadAllTextAsync(_temp.Combine("cache", "data-0.5.txt"))).ShouldBe("v2\n");
    }

    [Fact]
    public async Task RunAsync_ParameterOfTheOutputTemplateChanged_RerunsPrepareAndTheOldOutputStaysCached()
    {
        StudyDefinition definition = Definition(Standard());

        await RunTrialAsync(definition, 0.5, 0.2);
        FrozenTrial other = await RunTrialAsync(definition, 0.25, 0.2);
        FrozenTrial again = await RunTrialAsync(definition, 0.5, 0.2);

        StepStatuses(other)[0].ShouldBe("prepare:ran");
        StepStatuses(again)[0].ShouldBe("prepare:cached");
        Ran.Count(s => s == "prepare").ShouldBe(2);
    }

    [Fact]
    public async Task RunAsync_DeletedOutput_RerunsPrepare()
    {
        StudyDefinition definition = Definition(Standard());
        await RunTrialAsync(definition, 0.5, 0.2);

        File.Delete(_temp.Combine("cache", "data-0.5.txt"));
        FrozenTrial second = await RunTrialAsync(definition, 0.5, 0.2);

        StepStatuses(second)[0].ShouldBe("prepare:ran");
        File.Exists(_temp.Combine("cache", "data-0.5.txt")).ShouldBeTrue();
    }

    [Fact]
    public async Task RunAsync_OutputOverwrittenByAStepWithAnotherKey_RerunsTheStep()
    {
        // The output's name does not hold the parameter: each run with another value overwrites it.
        StudyDefinition definition = Definition(
        [
            Step("prepare", """echo prepare >> ran.log; echo "$1" > data.txt""", ["{frac}"], ["data.txt"]),
            Step("eval", """echo "METRIC val_loss=$(cat data.txt)" """, []),
        ]);

        await RunTrialAsync(definition, 0.5, 0.2);
        await RunTrialAsync(definition, 0.25, 0.2);
        FrozenTrial third = await RunTrialAsync(definition, 0.5, 0.2);

        StepStatuses(third)[0].ShouldBe("prepare:ran");
        third.Values.ShouldBe([0.5]);
    }

    [Fact]
    public async Task RunAsync_ChangedEarlierStep_MakesTheLaterCachedStepStale()
    {
        // Both steps' outputs are shared by trials; only prepare's input changes.
        StudyDefinition definition = Definition(
        [
            Step("prepare", Prepare, ["{frac}"], ["cache/data-{frac}.txt"], ["prepare.cfg"]),
            Step("train", """echo train >> ran.log; echo m > model.bin; echo METRIC val_loss=0.4""", [], ["model.bin"]),
        ]);
        await RunTrialAsync(definition, 0.5, 0.2);
        FrozenTrial cached = await RunTrialAsync(definition, 0.5, 0.2);

        await File.WriteAllTextAsync(_temp.Combine("prepare.cfg"), "v2\n");
        FrozenTrial stale = await RunTrialAsync(definition, 0.5, 0.2);

        StepStatuses(cached).ShouldBe(["prepare:cached", "train:cached"]);
        cached.Values.ShouldBe([0.4]); // the metric replayed from train's stamp
        StepStatuses(stale).ShouldBe(["prepare:ran", "train:ran"]);
    }

    [Fact]
    public async Task RunAsync_MetricPrintedByAnEarlierStepOnly_IsTheTrialsValue()
    {
        StudyDefinition definition = Definition(Standard(
            train: """for s in 1 2; do echo "METRIC step=$s val_loss=0.$s"; done; echo model > "$VERNIER_TRIAL_DIR/model.bin"; echo METRIC val_loss=0.7""",
            eval: "echo METRIC acc=0.5"));

        FrozenTrial trial = await RunTrialAsync(definition, 0.5, 0.2);

        trial.State.ShouldBe(TrialState.Complete);
        trial.Values.ShouldBe([0.7]);
        trial.IntermediateValues.Keys.ShouldBe([1L, 2L]);
    }

    [Fact]
    public async Task RunAsync_MetricPrintedByTwoSteps_TheLastStepWins()
    {
        StudyDefinition definition = Definition(Standard(
            train: """echo model > "$VERNIER_TRIAL_DIR/model.bin"; echo METRIC val_loss=0.7"""));

        FrozenTrial trial = await RunTrialAsync(definition, 0.5, 0.2);

        trial.Values.ShouldBe([0.2]);
    }

    [Fact]
    public async Task RunAsync_NoStepPrintsTheMetric_FailsAsNoMetric()
    {
        StudyDefinition definition = Definition([Step("only", "echo METRIC acc=1", [])]);

        FrozenTrial trial = await RunTrialAsync(definition, 0.5, 0.2);

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldBe("every step completed but none printed a final METRIC line for 'val_loss'; final metrics printed: acc");
        trial.SystemAttributes[SystemAttributes.FailureClass].GetString().ShouldBe("no_metric");
    }

    [Fact]
    public async Task RunAsync_FailedStep_NamesTheStepAndLaterStepsDoNotRun()
    {
        StudyDefinition definition = Definition(Standard(train: """echo train >> ran.log; echo "boom" >&2; exit 3"""));

        FrozenTrial trial = await RunTrialAsync(definition, 0.5, 0.2);

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldBe("step 'train' failed: exited with code 3; last lines of stderr:\n  boom");
        trial.SystemAttributes[SystemAttributes.FailureClass].GetString().ShouldBe("exit_code");
        Ran.ShouldBe(["prepare", "train"]);
        StepStatuses(trial).ShouldBe(["prepare:ran", "train:failed"]);
        (await File.ReadAllTextAsync(Path.Combine(_temp.Combine("trials"), "0000", "steps", "train", "stderr.log"))).ShouldBe("boom\n");
    }

    [Fact]
    public async Task RunAsync_FailedStepWithOutputs_IsNotCached()
    {
        StudyDefinition definition = Definition(
        [
            Step("prepare", """echo prepare >> ran.log; echo x > out.txt; [ -e ok ] || exit 1""", [], ["out.txt"]),
            Step("eval", "echo METRIC val_loss=1", []),
        ]);
        (await RunTrialAsync(definition, 0.5, 0.2)).State.ShouldBe(TrialState.Failed);

        await File.WriteAllTextAsync(_temp.Combine("ok"), "");
        FrozenTrial second = await RunTrialAsync(definition, 0.5, 0.2);

        StepStatuses(second).ShouldBe(["prepare:ran", "eval:ran"]);
        second.State.ShouldBe(TrialState.Complete);
    }

    [Fact]
    public async Task RunAsync_DeclaredOutputNotCreated_FailsTheStep()
    {
        StudyDefinition definition = Definition([Step("prepare", "echo METRIC val_loss=1", [], ["missing.txt"])]);

        FrozenTrial trial = await RunTrialAsync(definition, 0.5, 0.2);

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldBe($"step 'prepare' failed: exited with code 0 but did not create its declared output '{_temp.Combine("missing.txt")}'");
        StepStatuses(trial).ShouldBe(["prepare:failed"]);
    }

    [Fact]
    public async Task RunAsync_PrunedDuringTrain_StopsThePipeline()
    {
        StudyDefinition definition = Definition(Standard(train: """echo train >> ran.log; echo "METRIC step=1 val_loss=0.9"; sleep 30"""));

        FrozenTrial trial = await RunTrialAsync(definition, 0.5, 0.2, new AlwaysPrunePruner());

        trial.State.ShouldBe(TrialState.Pruned);
        Ran.ShouldBe(["prepare", "train"]);
        StepStatuses(trial).ShouldBe(["prepare:ran", "train:stopped"]);
        trial.IntermediateValues.Keys.ShouldBe([1L]);
    }

    [Fact]
    public async Task RunAsync_ObjectiveTimeout_FailsTheRunningStepAsTimedOut()
    {
        StudyDefinition definition = Definition(Standard(train: "sleep 30"), o => o["timeout"] = 1);

        FrozenTrial trial = await RunTrialAsync(definition, 0.5, 0.2);

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason!.ShouldStartWith("step 'train' failed: the pipeline timed out after 1 s (the objective's timeout covers all its steps); process tree");
        trial.SystemAttributes[SystemAttributes.FailureClass].GetString().ShouldBe("timeout");
    }

    [Fact]
    public async Task RunAsync_StepTimeout_FailsThatStepAsTimedOut()
    {
        JsonObject[] steps = Standard(train: "sleep 30");
        steps[1]["timeout"] = 0.5;
        StudyDefinition definition = Definition(steps);

        FrozenTrial trial = await RunTrialAsync(definition, 0.5, 0.2);

        trial.FailReason!.ShouldStartWith("step 'train' failed: timed out after 500 ms;");
        trial.SystemAttributes[SystemAttributes.FailureClass].GetString().ShouldBe("timeout");
    }

    [Fact]
    public async Task RunAsync_TwoTrialsAtOnceWithTheSameUncachedStep_RunItOnce()
    {
        JsonObject[] steps = Standard();
        steps[0] = Step("prepare", "sleep 0.5; " + Prepare, ["{frac}"], ["cache/data-{frac}.txt"], ["prepare.cfg"]);
        StudyDefinition definition = Definition(steps);
        PipelineRunner pipeline = StudyComposition.CreatePipelineRunner(definition).ShouldNotBeNull();

        CommandTrialResult[] results = await Task.WhenAll(
            pipeline.RunAsync(new CommandTrialRequest(0, [new("frac", 0.5), new("lr", 0.1)], _temp.Combine("trials", "0000"))),
            pipeline.RunAsync(new CommandTrialRequest(1, [new("frac", 0.5), new("lr", 0.2)], _temp.Combine("trials", "0001"))));

        Ran.Count(s => s == "prepare").ShouldBe(1);
        results.Select(r => r.Steps![0].Status).Order().ShouldBe(["cached", "ran"]);
        results.ShouldAllBe(r => r.Status == CommandTrialStatus.Completed);
    }

    [Fact]
    public async Task RunAsync_StepLogs_GoToTheStepsFolderOfTheTrial()
    {
        StudyDefinition definition = Definition(Standard());

        await RunTrialAsync(definition, 0.5, 0.2);

        string trial = _temp.Combine("trials", "0000");
        (await File.ReadAllTextAsync(Path.Combine(trial, "steps", "prepare", "stdout.log"))).ShouldBe("METRIC rows=100\n");
        (await File.ReadAllTextAsync(Path.Combine(trial, "steps", "eval", "stdout.log"))).ShouldBe("METRIC val_loss=0.2 acc=0.9\n");
        File.Exists(Path.Combine(trial, "params.json")).ShouldBeTrue();
        File.Exists(Path.Combine(trial, "model.bin")).ShouldBeTrue();
    }

    [Fact]
    public void RenderSteps_GivesEachStepsArgumentVector()
    {
        PipelineRunner pipeline = StudyComposition.CreatePipelineRunner(Definition(Standard())).ShouldNotBeNull();

        var steps = pipeline.RenderSteps(new CommandTrialRequest(0, [new("frac", 0.5), new("lr", 0.1)], _temp.Combine("t")));

        steps.Select(s => s.Key).ShouldBe(["prepare", "train", "eval"]);
        steps[0].Value.ShouldBe(["bash", "-c", Prepare, "--", "0.5"]);
        pipeline.PlaceholderNames.ShouldBe(["frac", "lr"]);
    }

    [Fact]
    public void CreateObjective_PlaceholderThatIsNoParameter_NamesIt()
    {
        StudyDefinition definition = Definition([Step("prepare", "true", [], ["data-{fraction}.txt"])]);

        VernierException error = Should.Throw<VernierException>(() => StudyComposition.CreateObjective(definition, _temp.Combine("trials")));

        error.Message.ShouldStartWith("the pipeline uses {fraction}, which is not a parameter");
    }
}
