using Vernier.Distributions;
using Vernier.Runner.Objectives;
using Vernier.Runner.Outputs;
using Vernier.Runner.Tests.Support;
using Vernier.Samplers.Population;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Objectives;

/// <summary>Population based training with real processes that save and restore checkpoints.</summary>
public sealed class PopulationCommandTests : IDisposable
{
    /// <summary>
    /// The "model" is a counter of steps trained, kept in <c>model.txt</c>: restored from
    /// VERNIER_RESTORE_FROM, advanced once per step, saved to VERNIER_CHECKPOINT_DIR. What the
    /// script saw is written to <c>seen</c>; the value falls with the steps and the learning rate.
    /// </summary>
    private const string Script = """
        state=0
        if [ -n "$VERNIER_RESTORE_FROM" ]; then state=$(cat "$VERNIER_RESTORE_FROM/model.txt"); fi
        echo "$VERNIER_START_STEP $VERNIER_END_STEP ${VERNIER_RESTORE_FROM:-none} $state $1 $2" > "$VERNIER_TRIAL_DIR/seen"
        for ((s = VERNIER_START_STEP + 1; s <= VERNIER_END_STEP; s++)); do
          state=$((state + 1))
          echo "METRIC step=$s val_loss=$((100 - state))"
        done
        echo "$state" > "$VERNIER_CHECKPOINT_DIR/model.txt"
        echo "METRIC val_loss=$((100 - state))"
        """;

    private static readonly SearchSpace Space = new([new ParameterSpec("lr", new FloatDistribution(1e-3, 1, log: true))]);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Study_CommandSavesAndRestoresCheckpointsAlongTheLineage()
    {
        string trials = _temp.Combine("trials");
        var options = Bash.Options(Script);
        options.Command = ["bash", "-c", Script, "trial", "{start_step}", "{restore_from}"];
        var objective = new CommandStudyObjective(new CommandObjectiveRunner(options), trials);
        var sampler = new PopulationSampler(new PopulationSamplerOptions { PopulationSize = 2, PerturbationInterval = 3, MaxSteps = 9 });
        await using Study study = await Study.Builder("pbt-command").UseStorage(new InMemoryStorage()).WithSampler(sampler).WithSeed(4).CreateAsync();

        OptimizeResult result = await study.OptimizeAsync(objective.EvaluateAsync, new OptimizeOptions { NTrials = 50, SearchSpace = Space });

        result.StopReason.ShouldBe(OptimizeStopReason.SamplerExhausted);
        IReadOnlyList<FrozenTrial> all = await study.GetTrialsAsync();
        all.ShouldAllBe(t => t.State == TrialState.Complete);
        foreach (FrozenTrial trial in all)
        {
            PopulationSegment segment = PopulationSegment.Of(trial).ShouldNotBeNull();
            string folder = objective.TrialDirectory(trial.Number);
            string restore = segment.RestoreFromTrial is int parent ? Path.Combine(objective.TrialDirectory(parent), "checkpoint") : "none";
            string placeholderRestore = segment.RestoreFromTrial is null ? "" : restore;
            (await File.ReadAllTextAsync(Path.Combine(folder, "seen"))).TrimEnd()
                .ShouldBe($"{segment.StartStep} {segment.EndStep} {restore} {segment.StartStep} {segment.StartStep} {placeholderRestore}".TrimEnd());
            (await File.ReadAllTextAsync(Path.Combine(folder, "checkpoint", "model.txt"))).Trim().ShouldBe(segment.EndStep.ToString(System.Globalization.CultureInfo.InvariantCulture));
            trial.Values.ShouldBe([100.0 - segment.EndStep]);
            trial.IntermediateValues.Keys.ShouldBe([.. Enumerable.Range((int)segment.StartStep + 1, (int)segment.Steps).Select(s => (long)s)]);
        }

        all.GroupBy(t => PopulationSegment.Of(t)!.Member).Select(g => g.Max(t => PopulationSegment.Of(t)!.EndStep)).ShouldBe([9L, 9L]);

        // The lineage is exported with each trial (trials.jsonl) and read back.
        foreach (FrozenTrial trial in all)
        {
            System.Text.Json.Nodes.JsonObject json = TrialJson.ToJson(trial);
            json["system_attrs"]!["population:member"]!.GetValue<int>().ShouldBe(PopulationSegment.Of(trial)!.Member);
            PopulationSegment stored = PopulationSegment.Of(trial)!, exported = PopulationSegment.Of(TrialJson.FromJson(json)).ShouldNotBeNull();
            (exported.Member, exported.Generation, exported.StartStep, exported.EndStep, exported.RestoreFromTrial, exported.Exploited, exported.DonorMember)
                .ShouldBe((stored.Member, stored.Generation, stored.StartStep, stored.EndStep, stored.RestoreFromTrial, stored.Exploited, stored.DonorMember));
            exported.NewParameters?.ShouldBe(stored.NewParameters!);
        }
    }

    [Fact]
    public async Task RunAsync_OutsideAPopulationStudy_GivesACheckpointFolderButNoRestoreVariables()
    {
        var runner = new CommandObjectiveRunner(Bash.Options("""
            env | grep -E '^VERNIER_(CHECKPOINT_DIR|RESTORE_FROM|START_STEP|END_STEP)=' | sort > "$VERNIER_TRIAL_DIR/env"
            test -d "$VERNIER_CHECKPOINT_DIR" && echo METRIC val_loss=1
            """));
        CommandTrialResult result = await runner.RunAsync(Bash.Request(_temp, 2));
        result.Status.ShouldBe(CommandTrialStatus.Completed, result.FailureReason);
        File.ReadAllLines(Path.Combine(result.TrialDirectory, "env")).ShouldBe([$"VERNIER_CHECKPOINT_DIR={Path.Combine(result.TrialDirectory, "checkpoint")}"]);
    }
}
