using System.Diagnostics;
using Vernier.Distributions;
using Vernier.Pruners;
using Vernier.Runner.Objectives;
using Vernier.Runner.Outputs;
using Vernier.Runner.Tests.Support;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Objectives;

/// <summary>Runs studies whose trials are real <c>bash -c</c> processes.</summary>
public sealed class CommandStudyObjectiveTests : IDisposable
{
    private const string WriteArgs = """printf '%s\n' "$@" > "$VERNIER_TRIAL_DIR/args"; echo METRIC val_loss=1""";

    private static readonly SearchSpace Space = new(
    [
        new ParameterSpec("lr", new FloatDistribution(1e-4, 0.1, log: true)),
        new ParameterSpec("layers", new IntDistribution(1, 8)),
        new ParameterSpec("opt", new CategoricalDistribution(["sgd", "adam"])),
    ]);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string TrialsDirectory => _temp.Combine("trials");

    [Fact]
    public async Task EvaluateAsync_CompletingScript_RecordsCompleteWithTheMetricValueAndTheMetricsAttribute()
    {
        FrozenTrial trial = await RunOneAsync("""
            echo "starting"
            echo "METRIC val_loss=0.25 acc=0.9"
            echo "METRIC epochs=3"
            """);

        trial.State.ShouldBe(TrialState.Complete);
        trial.Values.ShouldBe([0.25]);
        StudyOutputs.MetricsOf(trial).ShouldBe(new Dictionary<string, double> { ["val_loss"] = 0.25, ["acc"] = 0.9, ["epochs"] = 3 }, ignoreOrder: true);
        trial.UserAttributes["trial_dir"].GetString().ShouldBe(Path.Combine(TrialsDirectory, "0000"));
        File.Exists(Path.Combine(TrialsDirectory, "0000", "params.json")).ShouldBeTrue();
        (await File.ReadAllTextAsync(Path.Combine(TrialsDirectory, "0000", "stdout.log"))).ShouldStartWith("starting\n");
        trial.UserAttributes.ContainsKey("warnings").ShouldBeFalse();
    }

    [Fact]
    public async Task EvaluateAsync_StepLines_BecomeTheTrialsIntermediateValues()
    {
        FrozenTrial trial = await RunOneAsync("""
            echo "METRIC step=0 val_loss=0.9 acc=0.1"
            echo "METRIC step=1 val_loss=0.8"
            echo "METRIC step=3 acc=0.7"
            echo "METRIC step=5 val_loss=nan"
            echo "METRIC step=10 val_loss=0.6"
            echo "METRIC val_loss=0.55"
            """);

        trial.State.ShouldBe(TrialState.Complete);
        trial.IntermediateValues.Keys.ShouldBe([0L, 1, 5, 10]); // step 3 reported no val_loss
        TrialFactory.Bits(trial.IntermediateValues.Values).ShouldBe(TrialFactory.Bits([0.9, 0.8, double.NaN, 0.6]));
        trial.Values.ShouldBe([0.55]);
    }

    [Fact]
    public async Task EvaluateAsync_NonZeroExit_RecordsFailedWithTheRunnersReason()
    {
        FrozenTrial trial = await RunOneAsync("""
            echo "METRIC val_loss=0.3"
            echo "CUDA error: device-side assert" >&2
            exit 3
            """);

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldBe("exited with code 3; last lines of stderr:\n  CUDA error: device-side assert");
        trial.SystemAttributes.ContainsKey("exception").ShouldBeFalse();
        StudyOutputs.MetricsOf(trial).ShouldBe(new Dictionary<string, double> { ["val_loss"] = 0.3 });
        TrialBudget.Counts(trial).ShouldBeTrue();
    }

    [Fact]
    public async Task EvaluateAsync_NoMetricLine_RecordsFailedWithTheRunnersReason()
    {
        FrozenTrial trial = await RunOneAsync("echo done");

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldBe("exited with code 0 but printed no METRIC line for 'val_loss'");
    }

    [Fact]
    public async Task EvaluateAsync_NonFiniteFinalMetric_RecordsFailedWithTheRunnersReason()
    {
        FrozenTrial trial = await RunOneAsync("""echo "METRIC val_loss=nan acc=inf" """);

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldBe("reported val_loss=NaN");
        trial.SystemAttributes.ContainsKey("exception").ShouldBeFalse();
        trial.UserAttributes[StudyOutputs.MetricsAttribute].GetRawText().ShouldBe("""{"val_loss":"NaN","acc":"Infinity"}""");
    }

    [Fact]
    public async Task EvaluateAsync_NonFiniteExtraMetric_StillCompletesAndKeepsTheMetric()
    {
        FrozenTrial trial = await RunOneAsync("""echo "METRIC val_loss=0.5 grad_norm=-inf" """);

        trial.State.ShouldBe(TrialState.Complete);
        trial.Values.ShouldBe([0.5]);
        StudyOutputs.MetricsOf(trial).ShouldBe(new Dictionary<string, double> { ["val_loss"] = 0.5, ["grad_norm"] = double.NegativeInfinity }, ignoreOrder: true);
    }

    [Fact]
    public async Task EvaluateAsync_PrunerSaysStop_StopsTheProcessQuicklyAndRecordsPruned()
    {
        var pruner = new AlwaysPrunePruner();
        var clock = Stopwatch.StartNew();

        FrozenTrial trial = await RunOneAsync(
            """
            echo $$ > "$VERNIER_TRIAL_DIR/pid"
            echo "METRIC step=0 val_loss=1.5"
            sleep 30
            echo "METRIC step=1 val_loss=1.0"
            echo "METRIC val_loss=0.5"
            """,
            pruner);

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        trial.State.ShouldBe(TrialState.Pruned);
        trial.IntermediateValues.ShouldBe(new SortedDictionary<long, double> { [0] = 1.5 });
        trial.Values.ShouldBeEmpty();
        pruner.Calls.ShouldBe(1);
        int pid = Processes.ReadPid(Path.Combine(TrialsDirectory, "0000", "pid"));
        (await Processes.IsGoneWithinAsync(pid, TimeSpan.FromSeconds(5))).ShouldBeTrue();
    }

    [Fact]
    public async Task EvaluateAsync_StudyCancelled_StopsTheProcessAndRecordsTheTrialInterrupted()
    {
        await using Study study = await NewStudy();
        var objective = new CommandStudyObjective(new CommandObjectiveRunner(Bash.Options("echo $$ > \"$VERNIER_TRIAL_DIR/pid\"; echo METRIC step=0 val_loss=1; sleep 30")), TrialsDirectory);
        using var cancel = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();

        await Should.ThrowAsync<OperationCanceledException>(() => study.OptimizeAsync(
            async (trial, token) =>
            {
                _ = Task.Run(async () =>
                {
                    // Cancel once the process is running (its first step is recorded), not before it starts.
                    while (!(await study.GetTrialAsync(trial.Number)).IntermediateValues.ContainsKey(0))
                    {
                        await Task.Delay(20);
                    }

                    await cancel.CancelAsync();
                });
                return await objective.EvaluateAsync(trial, token);
            },
            new OptimizeOptions { NTrials = 1, SearchSpace = Space },
            cancel.Token));

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        FrozenTrial recorded = (await study.GetTrialsAsync()).ShouldHaveSingleItem();
        recorded.State.ShouldBe(TrialState.Failed);
        recorded.FailReason.ShouldBe("interrupted: the study was stopped (Ctrl-C or cancellation) before the trial finished.");
        TrialBudget.Counts(recorded).ShouldBeFalse();
        (await Processes.IsGoneWithinAsync(Processes.ReadPid(Path.Combine(TrialsDirectory, "0000", "pid")), TimeSpan.FromSeconds(5))).ShouldBeTrue();
    }

    [Fact]
    public async Task EvaluateAsync_TrialTimeout_StopsTheProcessAndRecordsTheTrialTimedOut()
    {
        await using Study study = await NewStudy();
        var objective = new CommandStudyObjective(new CommandObjectiveRunner(Bash.Options("sleep 30")), TrialsDirectory);

        await study.OptimizeAsync(objective.EvaluateAsync, new OptimizeOptions { NTrials = 1, SearchSpace = Space, TrialTimeout = TimeSpan.FromMilliseconds(300) });

        FrozenTrial trial = (await study.GetTrialsAsync()).ShouldHaveSingleItem();
        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldBe("timed out after 0.3 s.");
    }

    [Fact]
    public async Task EvaluateAsync_ParameterOrderGiven_PassesParametersInThatOrder()
    {
        FrozenTrial trial = await RunOneAsync(WriteArgs, order: ["opt", "lr", "layers"], enqueue: new() { ["lr"] = 0.01, ["layers"] = 3L, ["opt"] = "adam" });

        trial.State.ShouldBe(TrialState.Complete);
        (await File.ReadAllLinesAsync(Path.Combine(TrialsDirectory, "0000", "args"))).ShouldBe(["--opt=adam", "--lr=0.01", "--layers=3"]);
    }

    [Fact]
    public async Task EvaluateAsync_NoParameterOrder_PassesParametersAlphabetically()
    {
        await RunOneAsync(WriteArgs, order: null, enqueue: new() { ["lr"] = 0.01, ["layers"] = 3L, ["opt"] = "adam" });

        (await File.ReadAllLinesAsync(Path.Combine(TrialsDirectory, "0000", "args"))).ShouldBe(["--layers=3", "--lr=0.01", "--opt=adam"]);
    }

    [Fact]
    public void RequestFor_WithRenderCommand_GivesTheArgumentVectorInDeclaredOrderThenTheRestAlphabetically()
    {
        var runner = new CommandObjectiveRunner(Bash.Options(WriteArgs));
        var objective = new CommandStudyObjective(runner, TrialsDirectory, ["lr", "missing", "layers"]);
        var parameters = new Dictionary<string, object?> { ["zeta"] = "z", ["layers"] = 2L, ["alpha"] = true, ["lr"] = 0.5, ["w"] = 1.0 };

        CommandTrialRequest request = objective.RequestFor(12, parameters);

        request.TrialNumber.ShouldBe(12);
        request.TrialDirectory.ShouldBe(Path.Combine(TrialsDirectory, "0012"));
        request.Parameters.Select(p => p.Key).ShouldBe(["lr", "layers", "alpha", "w", "zeta"]);
        runner.RenderCommand(request).ShouldBe(["bash", "-c", WriteArgs, "trial", "--lr=0.5", "--layers=2", "--alpha=true", "--w=1.0", "--zeta=z"]);
    }

    [Fact]
    public void TrialDirectory_IsTheTrialNumberInFourDigits()
    {
        var objective = new CommandStudyObjective(new CommandObjectiveRunner(Bash.Options(WriteArgs)), TrialsDirectory);

        objective.TrialDirectory(7).ShouldBe(Path.Combine(TrialsDirectory, "0007"));
        objective.TrialDirectory(12345).ShouldBe(Path.Combine(TrialsDirectory, "12345"));
    }

    private async Task<FrozenTrial> RunOneAsync(
        string script, Pruner? pruner = null, IReadOnlyList<string>? order = null, Dictionary<string, object?>? enqueue = null)
    {
        await using Study study = await NewStudy(pruner);
        if (enqueue is not null)
        {
            await study.EnqueueTrialAsync(enqueue, Space);
        }

        var objective = new CommandStudyObjective(new CommandObjectiveRunner(Bash.Options(script)), TrialsDirectory, order);
        await study.OptimizeAsync(objective.EvaluateAsync, new OptimizeOptions { NTrials = 1, SearchSpace = Space });
        return (await study.GetTrialsAsync()).ShouldHaveSingleItem();
    }

    private static Task<Study> NewStudy(Pruner? pruner = null) =>
        Study.Builder($"command-{Guid.NewGuid():N}").UseStorage(new InMemoryStorage()).WithSeed(5).WithPruner(pruner ?? new NopPruner()).CreateAsync();
}
