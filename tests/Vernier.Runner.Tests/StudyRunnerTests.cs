using System.Text.Json.Nodes;
using Vernier.Distributions;
using Vernier.Runner.Checkpoints;
using Vernier.Runner.Tests.Support;
using Vernier.Runner.Trackers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests;

public sealed class StudyRunnerTests : IDisposable
{
    // Objective values by trial number: the best so far is 0, 1, 1, 3, 3, 5.
    private static readonly double[] Values = [5, 3, 4, 1, 2, 0.5];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Out => _temp.Combine("out");

    [Fact]
    public async Task RunAsync_OutputDirectory_WritesBestRunsTrialsAndTheSweepLogAtTheEnd()
    {
        await using Study study = await NewStudy();
        var runner = new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 4, OutputDirectory = Out, MetricNames = ["loss"] });

        OptimizeResult result = await runner.RunAsync(Objective);

        result.ShouldBe(new OptimizeResult(4, OptimizeStopReason.BudgetReached));
        Directory.GetFileSystemEntries(Out).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["best.json", "runs.csv", "sweep.log", "trials.jsonl"]);
        JsonNode best = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "best.json")))!;
        best["study"]!.GetValue<string>().ShouldBe(study.Name);
        best["metric"]!.GetValue<string>().ShouldBe("loss");
        best["trial_number"]!.GetValue<int>().ShouldBe(3);
        best["value"]!.GetValue<double>().ShouldBe(1);
        best["total_trials"]!.GetValue<int>().ShouldBe(4);
        List<string[]> runs = Csv.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "runs.csv")));
        runs.Select(r => r[2]).ShouldBe(["value", "5", "3", "4", "1"]);
        (await File.ReadAllLinesAsync(Path.Combine(Out, "trials.jsonl"))).Length.ShouldBe(4);
    }

    [Fact]
    public async Task RunAsync_BestPath_PutsBestJsonThere()
    {
        await using Study study = await NewStudy();
        string bestPath = _temp.Combine("best-of-run.json");

        await new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 2, OutputDirectory = Out, BestPath = bestPath }).RunAsync(Objective);

        JsonNode.Parse(await File.ReadAllTextAsync(bestPath))!["trial_number"]!.GetValue<int>().ShouldBe(1);
        File.Exists(Path.Combine(Out, "best.json")).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_RunsCsvMetrics_ChoosesTheColumnsAndWarnsAboutOneNoTrialPrinted()
    {
        await using Study study = await NewStudy();
        var log = new StringWriter();
        var runner = new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 2, OutputDirectory = Out, RunsCsvMetrics = ["acc", "f1"], TrackerLog = log });

        await runner.RunAsync((trial, token) =>
        {
            trial.SetUserAttribute("metrics", new Dictionary<string, double> { ["acc"] = 0.5, ["loss"] = 1 });
            return Objective(trial, token);
        });

        string[] header = Csv.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "runs.csv")))[0];
        header.Where(h => h.StartsWith("metric_", StringComparison.Ordinal)).ShouldBe(["metric_acc", "metric_f1"]);
        log.ToString().ShouldBe("warning: runs.csv: no complete trial printed 'f1' (outputs.runs_csv.metrics), so the column is empty; the trials printed: acc, loss.\n");
    }

    [Fact]
    public async Task RunAsync_CheckpointPath_IsRewrittenAfterEveryTrial()
    {
        await using Study study = await NewStudy();
        string checkpoint = _temp.Combine("ckpt", "study.json");
        var seen = new List<string>();
        var runner = new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 4, CheckpointPath = checkpoint, ConfigHash = "cfg" });

        await runner.RunAsync(async (trial, token) =>
        {
            seen.Add(File.Exists(checkpoint)
                ? string.Join(",", (await StudyCheckpoint.LoadAsync(checkpoint, token)).Trials.Select(t => $"{t.Number}:{t.State.ToWireName()}"))
                : "none");
            return await Objective(trial, token);
        });

        seen.ShouldBe(["none", "0:complete", "0:complete,1:complete", "0:complete,1:complete,2:complete"]);
        StudyCheckpoint last = await StudyCheckpoint.LoadAsync(checkpoint);
        last.Trials.Select(t => t.Value).ShouldBe([5.0, 3, 4, 1]);
        last.ConfigHash.ShouldBe("cfg");
        last.Seed.ShouldBe(study.Seed);
        last.StudyName.ShouldBe(study.Name);
    }

    [Fact]
    public async Task RunAsync_OutputInterval_RewritesOutputsAtMostThatOftenButAlwaysAtTheEnd()
    {
        var clock = new ManualTimeProvider(TrialFactory.T0);
        await using Study study = await NewStudy(configure: o => o.TimeProvider = clock);
        string jsonl = Path.Combine(Out, "trials.jsonl");
        var lines = new List<int>();
        var runner = new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 5, OutputDirectory = Out, OutputInterval = TimeSpan.FromMinutes(1) });

        await runner.RunAsync(async (trial, token) =>
        {
            lines.Add(File.Exists(jsonl) ? (await File.ReadAllLinesAsync(jsonl, token)).Length : -1);
            if (trial.Number == 2)
            {
                clock.Advance(TimeSpan.FromSeconds(61));
            }

            return await Objective(trial, token);
        });

        lines.ShouldBe([-1, 1, 1, 3, 3]);
        (await File.ReadAllLinesAsync(jsonl)).Length.ShouldBe(5);
    }

    [Fact]
    public async Task RunAsync_TotalTrials_ContinuesAnExistingStudy()
    {
        await using Study study = await NewStudy();
        var reporter = new RecordingReporter();

        OptimizeResult first = await new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 3 }).RunAsync(Objective);
        OptimizeResult second = await new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 5, Reporter = reporter, OutputDirectory = Out }).RunAsync(Objective);
        OptimizeResult third = await new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 5 }).RunAsync(Objective);

        first.TrialsStarted.ShouldBe(3);
        second.TrialsStarted.ShouldBe(2);
        third.TrialsStarted.ShouldBe(0);
        (await study.GetTrialsAsync()).Select(t => t.Number).ShouldBe([0, 1, 2, 3, 4]);
        reporter.Starts.Single().AlreadyCounted.ShouldBe(3);
        reporter.Finished.Select(f => f.Trial.Number).ShouldBe([3, 4]);
        (await File.ReadAllLinesAsync(Path.Combine(Out, "trials.jsonl"))).Length.ShouldBe(5);
    }

    [Fact]
    public async Task RunAsync_ObjectiveThrows_RecordsTheTrialFailedAndStillWritesOutputs()
    {
        await using Study study = await NewStudy();
        var runner = new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 3, OutputDirectory = Out });

        await runner.RunAsync((trial, token) => trial.Number == 1 ? throw new InvalidOperationException("boom") : Objective(trial, token));

        List<string[]> runs = Csv.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "runs.csv")));
        runs.Select(r => (r[1], r[^1])).ShouldBe(
            [("state", "fail_reason"), ("complete", ""), ("failed", "the objective threw InvalidOperationException: boom"), ("complete", "")]);
    }

    [Fact]
    public async Task RunAsync_RunItselfFails_WritesOutputsThenThrows()
    {
        // Every combination is forbidden: choosing the first trial's parameters fails, and that ends the run.
        var space = new SearchSpace(
            [new ParameterSpec("x", new IntDistribution(0, 1))],
            [new ForbiddenCombination(Condition.In("x", 0L, 1L))]);
        await using Study study = await NewStudy();
        string checkpoint = _temp.Combine("c.json");
        var runner = new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 3, OutputDirectory = Out, CheckpointPath = checkpoint, SearchSpace = space });

        var error = await Should.ThrowAsync<VernierException>(() => runner.RunAsync(Objective));

        error.Message.ShouldStartWith("no allowed combination found in 100 draws");
        string[] lines = await File.ReadAllLinesAsync(Path.Combine(Out, "trials.jsonl"));
        lines.Length.ShouldBe(1);
        JsonNode.Parse(lines[0])!["fail_reason"]!.GetValue<string>().ShouldStartWith("could not choose parameters: no allowed combination found");
        (await StudyCheckpoint.LoadAsync(checkpoint)).Trials.Single().State.ShouldBe(TrialState.Failed);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsOperationCanceledAndWritesOutputs()
    {
        await using Study study = await NewStudy();
        using var cancel = new CancellationTokenSource();
        string checkpoint = _temp.Combine("c.json");
        var runner = new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 10, OutputDirectory = Out, CheckpointPath = checkpoint });

        await Should.ThrowAsync<OperationCanceledException>(() => runner.RunAsync(
            async (trial, token) =>
            {
                if (trial.Number == 2)
                {
                    await cancel.CancelAsync();
                    await Task.Delay(Timeout.Infinite, token);
                }

                return await Objective(trial, token);
            },
            cancel.Token));

        string[] lines = await File.ReadAllLinesAsync(Path.Combine(Out, "trials.jsonl"));
        lines.Select(l => JsonNode.Parse(l)!["state"]!.GetValue<string>()).ShouldBe(["complete", "complete", "failed"]);
        JsonNode.Parse(lines[2])!["fail_reason"]!.GetValue<string>().ShouldBe("interrupted: the study was stopped (Ctrl-C or cancellation) before the trial finished.");
        JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "best.json")))!["trial_number"]!.GetValue<int>().ShouldBe(1);
        (await StudyCheckpoint.LoadAsync(checkpoint)).Trials.Length.ShouldBe(3);
    }

    [Fact]
    public async Task RunAsync_Reporter_GetsRunStartAndOneTrialFinishedPerTrialWithTheBestSoFar()
    {
        await using Study study = await NewStudy();
        await new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 2 }).RunAsync(Objective);
        var reporter = new RecordingReporter();
        var runner = new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 6, Reporter = reporter });

        await runner.RunAsync((trial, token) => trial.Number == 4 ? throw new InvalidOperationException("boom") : Objective(trial, token));

        RunStart start = reporter.Starts.ShouldHaveSingleItem();
        start.StudyName.ShouldBe(study.Name);
        start.Directions.ShouldBe([StudyDirection.Minimize]);
        start.TotalTrials.ShouldBe(6);
        start.AlreadyCounted.ShouldBe(2);
        start.Best.ShouldNotBeNull().Number.ShouldBe(1);
        reporter.Finished.Select(f => (f.Trial.Number, f.Trial.State, f.Best?.Number, f.Counted)).ShouldBe(
        [
            (2, TrialState.Complete, 1, 3),
            (3, TrialState.Complete, 3, 4),
            (4, TrialState.Failed, 3, 5),
            (5, TrialState.Complete, 5, 6),
        ]);
        reporter.FinishedOutsideRun.ShouldBe(0);
    }

    [Fact]
    public async Task RunAsync_ReporterOnMultiObjectiveStudy_GetsNoBestTrial()
    {
        await using Study study = await Study.Builder(UniqueName()).UseStorage(new InMemoryStorage())
            .WithDirections(StudyDirection.Minimize, StudyDirection.Maximize).WithSeed(3).CreateAsync();
        var reporter = new RecordingReporter();

        await new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 2, Reporter = reporter, OutputDirectory = Out })
            .RunAsync((trial, _) => Task.FromResult<IReadOnlyList<double>>([trial.Number, trial.Number]));

        reporter.Starts.Single().Best.ShouldBeNull();
        reporter.Finished.Select(f => (f.Trial.Number, f.Best, f.Counted)).ShouldBe([(0, (FrozenTrial?)null, 1), (1, null, 2)]);
        JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Out, "best.json")))!["best_trials"]!.AsArray().Count.ShouldBe(2);
    }

    [Fact]
    public async Task RunAsync_CalledFromASingleThreadedSynchronizationContext_DoesNotDeadlock()
    {
        await using Study study = await NewStudy();
        var runner = new StudyRunner(study, new StudyRunnerOptions { TotalTrials = 3, OutputDirectory = Out, CheckpointPath = _temp.Combine("c.json") });

        // The trial-finished callback writes files; if it blocked on them while they wait for this thread, the run would hang.
        await SingleThreadedContext.RunAsync(() => runner.RunAsync(Objective)).WaitAsync(TimeSpan.FromSeconds(20));

        (await File.ReadAllLinesAsync(Path.Combine(Out, "trials.jsonl"))).Length.ShouldBe(3);
    }

    private static Task<IReadOnlyList<double>> Objective(Trial trial, CancellationToken cancellationToken)
    {
        trial.SuggestFloat("x", 0, 1);
        return Task.FromResult<IReadOnlyList<double>>([Values[trial.Number]]);
    }

    private static Task<Study> NewStudy(Action<StudyOptions>? configure = null) =>
        Study.Builder(UniqueName()).UseStorage(new InMemoryStorage()).WithSeed(11).Configure(configure ?? (_ => { })).CreateAsync();

    private static string UniqueName() => $"runner-{Guid.NewGuid():N}";
}
