using System.Text.Json.Nodes;
using Vernier.Runner.Tests.Support;
using Vernier.Runner.Trackers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Trackers;

public sealed class StudyRunnerTrackerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RunAsync_Trackers_GetEveryEventInOrder()
    {
        await using Study study = await NewStudy();
        var tracker = new RecordingTracker();
        var options = new StudyRunnerOptions { TotalTrials = 2 };
        options.Trackers.Add(tracker);

        await new StudyRunner(study, options).RunAsync(Objective);

        tracker.Events.ShouldBe(
        [
            $"study_started {study.Name}",
            "trial_started 0", "intermediate 0 0 10", "intermediate 0 1 5", "trial_finished 0 Complete",
            "trial_started 1", "intermediate 1 0 10", "intermediate 1 1 5", "trial_finished 1 Complete",
            "study_finished finished BudgetReached 2",
        ]);
    }

    [Fact]
    public async Task RunAsync_ThrowingTracker_IsWarnedAboutOnceAndItsErrorsCounted_OthersAndTheStudyGoOn()
    {
        await using Study study = await NewStudy();
        var broken = new RecordingTracker(throwOn: "trial_started");
        var healthy = new RecordingTracker();
        var log = new StringWriter();
        var options = new StudyRunnerOptions { TotalTrials = 3, TrackerLog = log };
        options.Trackers.Add(broken);
        options.Trackers.Add(healthy);

        OptimizeResult result = await new StudyRunner(study, options).RunAsync(Objective);

        result.TrialsStarted.ShouldBe(3);
        (await study.GetTrialsAsync()).ShouldAllBe(t => t.State == TrialState.Complete);
        // Still sent events after its errors: a tracker whose server is briefly away catches up.
        broken.Events.Count(e => e.StartsWith("trial_finished", StringComparison.Ordinal)).ShouldBe(3);
        broken.Events.ShouldContain("study_finished finished BudgetReached 3");
        healthy.Events.Count(e => e.StartsWith("trial_finished", StringComparison.Ordinal)).ShouldBe(3);
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(2, log.ToString());
        lines[0].ShouldContain("tracker RecordingTracker failed on trial_started: tracker broke on trial_started (it keeps getting events; further errors are counted)");
        lines[1].ShouldContain("tracker RecordingTracker had 3 errors in this run (the first on trial_started: tracker broke on trial_started)");
    }

    [Fact]
    public async Task RunAsync_TrackerFailingToStart_IsDisabled()
    {
        await using Study study = await NewStudy();
        var broken = new RecordingTracker(throwOn: "study_started");
        var log = new StringWriter();
        var options = new StudyRunnerOptions { TotalTrials = 2, TrackerLog = log };
        options.Trackers.Add(broken);

        await new StudyRunner(study, options).RunAsync(Objective);

        broken.Events.ShouldBe([$"study_started {study.Name}"]);
        log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldHaveSingleItem()
            .ShouldContain("tracker RecordingTracker failed on study_started and is disabled for the rest of the run");
    }

    [Fact]
    public async Task RunAsync_TrackerFailingEveryEvent_IsDisabledAfterTenInARow()
    {
        await using Study study = await NewStudy();
        var broken = new RecordingTracker(throwAfterStart: true);
        var log = new StringWriter();
        var options = new StudyRunnerOptions { TotalTrials = 4, TrackerLog = log };
        options.Trackers.Add(broken);

        await new StudyRunner(study, options).RunAsync(Objective);

        // Four events per trial (start, two intermediate values, finish): the 10th failure in a row is trial 2's first value.
        broken.Events.Count(e => e.StartsWith("intermediate", StringComparison.Ordinal)).ShouldBe(5);
        broken.Events.ShouldNotContain("trial_finished 2 Complete");
        broken.Events.ShouldNotContain(e => e.StartsWith("study_finished", StringComparison.Ordinal));
        log.ToString().ShouldContain("tracker RecordingTracker failed 10 events in a row and is disabled for the rest of the run");
    }

    [Fact]
    public async Task RunAsync_Cancelled_StudyFinishedSaysCancelled()
    {
        await using Study study = await NewStudy();
        var tracker = new RecordingTracker();
        var options = new StudyRunnerOptions();
        options.Trackers.Add(tracker);
        using var cancel = new CancellationTokenSource();

        await Should.ThrowAsync<OperationCanceledException>(() => new StudyRunner(study, options).RunAsync(
            (trial, token) =>
            {
                if (trial.Number == 1)
                {
                    cancel.Cancel();
                }

                return Objective(trial, token);
            },
            cancel.Token));

        tracker.Events[^1].ShouldStartWith("study_finished cancelled");
    }

    [Fact]
    public async Task JsonlTracker_WritesOneObjectPerEvent_WithTheDeclaredSpaceAndTheWholeTrial()
    {
        await using Study study = await NewStudy();
        string path = _temp.Combine("sub", "events.jsonl");
        var space = new SearchSpace([new ParameterSpec("x", new Vernier.Distributions.FloatDistribution(0, 1))]);
        var options = new StudyRunnerOptions { TotalTrials = 2, SearchSpace = space, MetricNames = ["loss"], ConfigHash = "abc" };
        options.Trackers.Add(new JsonlTracker(path));

        await new StudyRunner(study, options).RunAsync(Objective);

        JsonObject[] lines = [.. (await File.ReadAllLinesAsync(path)).Select(l => JsonNode.Parse(l)!.AsObject())];
        lines.Select(l => l["event"]!.GetValue<string>()).ShouldBe(
        [
            "study_started",
            "trial_started", "intermediate_value", "intermediate_value", "trial_finished",
            "trial_started", "intermediate_value", "intermediate_value", "trial_finished",
            "study_finished",
        ]);
        lines.ShouldAllBe(l => l["study"]!.GetValue<string>() == study.Name);
        lines[0]["directions"]!.AsArray().Select(d => d!.GetValue<string>()).ShouldBe(["minimize"]);
        lines[0]["space"]!["x"].ShouldNotBeNull();
        lines[0]["config_hash"]!.GetValue<string>().ShouldBe("abc");
        lines[1]["params"]!["x"]!.GetValue<double>().ShouldBeInRange(0, 1);
        lines[3]["step"]!.GetValue<long>().ShouldBe(1);
        lines[3]["value"]!.GetValue<double>().ShouldBe(5);
        lines[4]["state"]!.GetValue<string>().ShouldBe("complete");
        lines[4]["trial"]!["values"]![0]!.GetValue<double>().ShouldBe(Values(0));
        lines[9]["status"]!.GetValue<string>().ShouldBe("finished");
        lines[9]["best_trial"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task JsonlTracker_ParallelTrials_EveryLineIsWholeAndEveryTrialStartsBeforeItFinishes()
    {
        await using Study study = await NewStudy();
        string path = _temp.Combine("parallel.jsonl");
        var options = new StudyRunnerOptions { TotalTrials = 12, MaxConcurrent = 4 };
        options.Trackers.Add(new JsonlTracker(path));

        await new StudyRunner(study, options).RunAsync(async (trial, token) =>
        {
            await Task.Yield();
            trial.SuggestFloat("x", 0, 1);
            return [trial.Number];
        });

        JsonObject[] lines = [.. (await File.ReadAllLinesAsync(path)).Select(l => JsonNode.Parse(l)!.AsObject())];
        lines.Length.ShouldBe(1 + 12 + 12 + 1);
        for (int number = 0; number < 12; number++)
        {
            int started = Array.FindIndex(lines, l => l["event"]!.GetValue<string>() == "trial_started" && l["number"]!.GetValue<int>() == number);
            int finished = Array.FindIndex(lines, l => l["event"]!.GetValue<string>() == "trial_finished" && l["number"]!.GetValue<int>() == number);
            started.ShouldBeGreaterThan(0);
            finished.ShouldBeGreaterThan(started);
        }
    }

    [Fact]
    public async Task CsvTracker_WritesOneRowPerFinishedTrial_AndAppendsWithoutASecondHeader()
    {
        string path = _temp.Combine("trials.csv");
        await using Study study = await NewStudy();
        for (int run = 1; run <= 2; run++)
        {
            var options = new StudyRunnerOptions { TotalTrials = 2 * run, MetricNames = ["loss"] };
            options.Trackers.Add(new CsvTracker(path));
            await new StudyRunner(study, options).RunAsync(Objective);
        }

        List<string[]> rows = Csv.Parse(await File.ReadAllTextAsync(path));
        rows[0].ShouldBe(["number", "state", "loss", "duration_s", "params", "fail_reason", "name", "group", "tags"]);
        rows.Skip(1).Select(r => r[0]).ShouldBe(["0", "1", "2", "3"]);
        rows[1][1].ShouldBe("complete");
        rows[1][2].ShouldBe("3");
        JsonNode.Parse(rows[1][4])!["x"]!.GetValue<double>().ShouldBeInRange(0, 1);
    }

    private static double Values(int number) => 3 - number;

    private static Task<IReadOnlyList<double>> Objective(Trial trial, CancellationToken cancellationToken)
    {
        trial.SuggestFloat("x", 0, 1);
        trial.Report(10, 0);
        trial.Report(5, 1);
        return Task.FromResult<IReadOnlyList<double>>([Values(trial.Number)]);
    }

    private static Task<Study> NewStudy() =>
        Study.Builder($"trackers-{Guid.NewGuid():N}").UseStorage(new InMemoryStorage()).WithSeed(3).CreateAsync();
}
