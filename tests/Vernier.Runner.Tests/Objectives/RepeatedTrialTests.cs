using System.Text.Json;
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

/// <summary>Trials that run their command several times (repeats), each run with its own seed, as real bash processes.</summary>
public sealed class RepeatedTrialTests : IDisposable
{
    // Records what reached the run (env, arguments), reports the run index at step 1, and the seed as the final value.
    private const string Script = """
        printf '%s\n' "seed=$VERNIER_SEED" "run=$VERNIER_RUN_INDEX" "dir=$VERNIER_TRIAL_DIR" "$@" > "$VERNIER_TRIAL_DIR/seen"
        echo "METRIC step=1 val_loss=$VERNIER_RUN_INDEX"
        echo "METRIC val_loss=$VERNIER_SEED acc=$(( VERNIER_RUN_INDEX * 10 ))"
        """;

    private static readonly SearchSpace Space = new([new ParameterSpec("lr", new FloatDistribution(0.01, 0.01))]);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string TrialDirectory => _temp.Combine("trials", "0000");

    [Fact]
    public async Task EvaluateAsync_ListedSeeds_RunsOncePerSeedAndRecordsTheMeanAndEachRun()
    {
        FrozenTrial trial = await RunOneAsync(Script, new TrialRepeats { Count = 3, Seeds = [10, 20, 60] });

        trial.State.ShouldBe(TrialState.Complete);
        trial.Values.ShouldBe([30.0]);
        StudyOutputs.MetricsOf(trial).ShouldBe(new Dictionary<string, double> { ["val_loss"] = 30, ["acc"] = 20 }, ignoreOrder: true);
        trial.UserAttributes[CommandStudyObjective.SeedsAttribute].Deserialize<long[]>().ShouldBe([10L, 20, 60]);
        JsonElement[] runs = [.. trial.UserAttributes[CommandStudyObjective.RunsAttribute].EnumerateArray()];
        runs.Select(r => r.GetProperty("run").GetInt32()).ShouldBe([1, 2, 3]);
        runs.Select(r => r.GetProperty("seed").GetInt64()).ShouldBe([10L, 20, 60]);
        runs.Select(r => r.GetProperty("state").GetString()).ShouldBe(["complete", "complete", "complete"]);
        runs.Select(r => r.GetProperty("values")[0].GetDouble()).ShouldBe([10.0, 20, 60]);
        runs[2].GetProperty("metrics").GetProperty("acc").GetDouble().ShouldBe(30);
    }

    [Fact]
    public async Task EvaluateAsync_Repeats_GivesEachRunItsOwnFolderWithItsLogsAndTheSeedThroughEnvAndFlag()
    {
        await RunOneAsync(Script, new TrialRepeats { Count = 2, Seeds = [5, 6] });

        File.Exists(Path.Combine(TrialDirectory, "params.json")).ShouldBeTrue();
        for (int run = 1; run <= 2; run++)
        {
            string folder = Path.Combine(TrialDirectory, $"run-{run}");
            (await File.ReadAllLinesAsync(Path.Combine(folder, "seen"))).ShouldBe([$"seed={run + 4}", $"run={run}", $"dir={folder}", "--lr=0.01", $"--seed={run + 4}"]);
            (await File.ReadAllTextAsync(Path.Combine(folder, CommandObjectiveRunner.StdoutFileName))).ShouldContain($"METRIC val_loss={run + 4}");
            File.Exists(Path.Combine(folder, CommandObjectiveRunner.StderrFileName)).ShouldBeTrue();
            File.Exists(Path.Combine(folder, CommandObjectiveRunner.ParamsFileName)).ShouldBeTrue();
        }

        File.Exists(Path.Combine(TrialDirectory, CommandObjectiveRunner.StdoutFileName)).ShouldBeFalse();
    }

    [Fact]
    public async Task EvaluateAsync_SeedPlaceholder_PassesTheSeedThereAndDoesNotAppendIt()
    {
        await RunOneAsync(Script, new TrialRepeats { Count = 2, Seeds = [5, 6] }, extraArguments: ["--rng", "{seed}", "--run={run_index}"]);

        (await File.ReadAllLinesAsync(Path.Combine(TrialDirectory, "run-2", "seen"))).Skip(3).ShouldBe(["--rng", "6", "--run=2", "--lr=0.01"]);
    }

    [Fact]
    public async Task EvaluateAsync_KeyValueStyle_AppendsSeedAsKeyValue()
    {
        await RunOneAsync(Script, new TrialRepeats { Seeds = [77] }, style: CommandArgumentStyle.KeyValue);

        (await File.ReadAllLinesAsync(Path.Combine(TrialDirectory, "seen"))).Skip(3).ShouldBe(["lr=0.01", "seed=77"]);
    }

    [Theory]
    [InlineData(RunAggregate.Median, 20.0)]
    [InlineData(RunAggregate.Min, 10.0)]
    [InlineData(RunAggregate.Max, 60.0)]
    public async Task EvaluateAsync_Aggregate_CombinesTheRunsValues(RunAggregate aggregate, double expected)
    {
        FrozenTrial trial = await RunOneAsync(Script, new TrialRepeats { Count = 3, Seeds = [60, 10, 20], Aggregate = aggregate });

        trial.Values.ShouldBe([expected]);
    }

    [Fact]
    public async Task EvaluateAsync_GeneratedSeeds_AreTheStudysDerivedSeedsAndRecorded()
    {
        var repeats = new TrialRepeats { Count = 3, GenerateSeeds = true };

        FrozenTrial trial = await RunOneAsync(Script, repeats);

        long[] seeds = trial.UserAttributes[CommandStudyObjective.SeedsAttribute].Deserialize<long[]>()!;
        seeds.ShouldBe(repeats.SeedsFor(StudySeed, 0)!);
        trial.Values.ShouldBe([seeds.Average()]);
        (await File.ReadAllLinesAsync(Path.Combine(TrialDirectory, "run-3", "seen")))[0].ShouldBe($"seed={seeds[2]}");
    }

    [Fact]
    public async Task EvaluateAsync_OnlyTheFirstRun_ReportsIntermediateValues()
    {
        FrozenTrial trial = await RunOneAsync(Script, new TrialRepeats { Count = 3, Seeds = [1, 2, 3] });

        trial.IntermediateValues.ShouldBe(new SortedDictionary<long, double> { [1] = 1 });
    }

    [Fact]
    public async Task EvaluateAsync_FailedRun_FailsTheTrialNamingRunAndSeedAndStartsNoFurtherRun()
    {
        FrozenTrial trial = await RunOneAsync(
            """[ "$VERNIER_RUN_INDEX" = 2 ] && { echo "diverged" >&2; exit 3; }""" + "\n" + Script,
            new TrialRepeats { Count = 3, Seeds = [10, 20, 30] });

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldBe("run 2 of 3 (seed 20) failed: exited with code 3; last lines of stderr:\n  diverged");
        trial.SystemAttributes["failure_class"].GetString().ShouldBe("exit_code");
        JsonElement[] runs = [.. trial.UserAttributes[CommandStudyObjective.RunsAttribute].EnumerateArray()];
        runs.Select(r => r.GetProperty("state").GetString()).ShouldBe(["complete", "failed"]);
        runs[1].GetProperty("fail_reason").GetString()!.ShouldStartWith("exited with code 3");
        Directory.Exists(Path.Combine(TrialDirectory, "run-3")).ShouldBeFalse();
    }

    [Fact]
    public async Task EvaluateAsync_FirstRunPruned_PrunesTheTrialWithoutFurtherRuns()
    {
        // The run waits after its step, as training would: otherwise it may finish before the pruner's stop reaches it.
        string slow = Script.Replace("echo \"METRIC step=1 val_loss=$VERNIER_RUN_INDEX\"", "echo \"METRIC step=1 val_loss=$VERNIER_RUN_INDEX\"; sleep 30", StringComparison.Ordinal);
        slow.ShouldNotBe(Script);
        FrozenTrial trial = await RunOneAsync(slow, new TrialRepeats { Count = 3, Seeds = [1, 2, 3] }, new AlwaysPrunePruner());

        trial.State.ShouldBe(TrialState.Pruned);
        Directory.Exists(Path.Combine(TrialDirectory, "run-2")).ShouldBeFalse();
        trial.SystemAttributes.ContainsKey("failure_class").ShouldBeFalse();
    }

    [Fact]
    public async Task EvaluateAsync_OneSeededRun_KeepsTheTrialFolderLayout()
    {
        FrozenTrial trial = await RunOneAsync(Script, new TrialRepeats { Seeds = [123] });

        trial.Values.ShouldBe([123.0]);
        (await File.ReadAllLinesAsync(Path.Combine(TrialDirectory, "seen"))).ShouldBe(["seed=123", "run=1", $"dir={TrialDirectory}", "--lr=0.01", "--seed=123"]);
        Directory.Exists(Path.Combine(TrialDirectory, "run-1")).ShouldBeFalse();
        trial.UserAttributes.ContainsKey(CommandStudyObjective.RunsAttribute).ShouldBeFalse();
        trial.UserAttributes[CommandStudyObjective.SeedsAttribute].Deserialize<long[]>().ShouldBe([123L]);
    }

    [Fact]
    public async Task EvaluateAsync_NoRepeats_PassesNoSeed()
    {
        FrozenTrial trial = await RunOneAsync("""echo "METRIC val_loss=1"; printf '%s\n' "${VERNIER_SEED-unset}" "${VERNIER_RUN_INDEX-unset}" "$@" > "$VERNIER_TRIAL_DIR/seen" """, new TrialRepeats());

        (await File.ReadAllLinesAsync(Path.Combine(TrialDirectory, "seen"))).ShouldBe(["unset", "unset", "--lr=0.01"]);
        trial.UserAttributes.ContainsKey(CommandStudyObjective.SeedsAttribute).ShouldBeFalse();
    }

    [Fact]
    public async Task EvaluateAsync_ConstraintMissingInALaterRun_FailsNamingTheRun()
    {
        FrozenTrial trial = await RunOneAsync(
            """[ "$VERNIER_RUN_INDEX" = 1 ] && echo "METRIC mem=-1"; echo "METRIC val_loss=1" """,
            new TrialRepeats { Count = 2, Seeds = [1, 2] },
            constraints: ["mem"]);

        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason.ShouldBe("run 2 of 2 (seed 2) failed: the command did not print the constraint metric(s) mem (METRIC mem=<value>, feasible when ≤ 0).");
        trial.SystemAttributes["failure_class"].GetString().ShouldBe("no_metric");
    }

    [Fact]
    public async Task EvaluateAsync_Constraints_AreAggregatedLikeTheValues()
    {
        FrozenTrial trial = await RunOneAsync(
            """echo "METRIC val_loss=1 mem=$(( VERNIER_RUN_INDEX * 2 - 5 ))" """,
            new TrialRepeats { Count = 2, Seeds = [1, 2] },
            constraints: ["mem"]);

        trial.State.ShouldBe(TrialState.Complete);
        trial.SystemAttributes["constraints"].Deserialize<double[]>().ShouldBe([-2.0]);
    }

    [Fact]
    public async Task EvaluateAsync_ParameterNamedSeedWithRunSeeds_FailsTheTrialNamingTheClash()
    {
        var space = new SearchSpace([new ParameterSpec("seed", new IntDistribution(1, 1))]);
        await using Study study = await NewStudy();
        var objective = new CommandStudyObjective(new CommandObjectiveRunner(Bash.Options(Script)), _temp.Combine("trials")) { Repeats = new TrialRepeats { Count = 2 } };

        await study.OptimizeAsync(objective.EvaluateAsync, new OptimizeOptions { NTrials = 1, SearchSpace = space });

        FrozenTrial trial = (await study.GetTrialsAsync()).ShouldHaveSingleItem();
        trial.State.ShouldBe(TrialState.Failed);
        trial.FailReason!.ShouldContain("trial 0 has both a parameter 'seed' and a run seed (repeats or seeds)");
    }

    [Fact]
    public void Repeats_Invalid_IsRefusedWhenSet()
    {
        var runner = new CommandObjectiveRunner(Bash.Options(Script));

        Should.Throw<ArgumentException>(() => new CommandStudyObjective(runner, "trials") { Repeats = new TrialRepeats { Count = 2, Seeds = [1] } })
            .Message.ShouldContain("seeds lists 1 seed(s) for 2 repeat(s)");
    }

    private const ulong StudySeed = 5;

    private async Task<FrozenTrial> RunOneAsync(
        string script, TrialRepeats repeats, Pruner? pruner = null, string[]? extraArguments = null,
        CommandArgumentStyle style = CommandArgumentStyle.Flags, IReadOnlyList<string>? constraints = null)
    {
        await using Study study = await NewStudy(pruner);
        CommandObjectiveOptions options = Bash.Options(script);
        options.Command = [.. options.Command, .. extraArguments ?? []];
        options.ArgumentStyle = style;
        var objective = new CommandStudyObjective(new CommandObjectiveRunner(options), _temp.Combine("trials"), constraintMetrics: constraints) { Repeats = repeats };
        await study.OptimizeAsync(objective.EvaluateAsync, new OptimizeOptions { NTrials = 1, SearchSpace = Space });
        return (await study.GetTrialsAsync()).ShouldHaveSingleItem();
    }

    private static Task<Study> NewStudy(Pruner? pruner = null) =>
        Study.Builder($"repeats-{Guid.NewGuid():N}").UseStorage(new InMemoryStorage()).WithSeed(StudySeed).WithPruner(pruner ?? new NopPruner()).CreateAsync();
}
