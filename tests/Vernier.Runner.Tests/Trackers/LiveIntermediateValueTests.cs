using Vernier.Distributions;
using Vernier.Runner.Objectives;
using Vernier.Runner.Tests.Support;
using Vernier.Runner.Trackers;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Runner.Tests.Trackers;

/// <summary>Intermediate values reach trackers while the trial runs, in order, without waiting for slow trackers.</summary>
public sealed class LiveIntermediateValueTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RunAsync_ReportedValue_ReachesTheTrackerBeforeTheTrialEnds()
    {
        await using Study study = await NewStudy();
        var tracker = new CallbackTracker();
        var options = new StudyRunnerOptions { TotalTrials = 1 };
        options.Trackers.Add(tracker);
        bool seenDuringTrial = false;

        await new StudyRunner(study, options).RunAsync(async (trial, _) =>
        {
            trial.Report(0.75, 0);
            seenDuringTrial = await tracker.FirstValue.Task.WaitAsync(Guard).ContinueWith(t => t.IsCompletedSuccessfully);
            return new[] { 0.5 };
        });

        seenDuringTrial.ShouldBeTrue();
        tracker.Events.ShouldBe(["study_started", "trial_started 0", "intermediate 0 0 0.75", "trial_finished 0", "study_finished"]);
    }

    [Fact]
    public async Task RunAsync_SlowTracker_DoesNotHoldUpReport_AndStillGetsEveryEventInOrder()
    {
        await using Study study = await NewStudy();
        using var release = new ManualResetEventSlim();
        var tracker = new CallbackTracker { OnValue = () => release.Wait(Guard) };
        var options = new StudyRunnerOptions { TotalTrials = 1 };
        options.Trackers.Add(tracker);

        await new StudyRunner(study, options).RunAsync((trial, _) =>
        {
            // Were Report to wait for the tracker, it would block here until the guard ran out and the tracker would see no release.
            trial.Report(3, 0);
            trial.Report(2, 1);
            trial.Report(1, 2);
            release.Set();
            return Task.FromResult<IReadOnlyList<double>>([1]);
        });

        tracker.ReleasedBeforeGuard.ShouldAllBe(released => released);
        tracker.Events.ShouldBe(
            ["study_started", "trial_started 0", "intermediate 0 0 3", "intermediate 0 1 2", "intermediate 0 2 1", "trial_finished 0", "study_finished"]);
    }

    [Fact]
    public async Task RunAsync_CommandTrial_StepLineReachesTheTrackerWhileTheProcessRuns()
    {
        // The process prints a step, then waits for the tracker to have seen it (a file the tracker writes) before its final metric.
        string seen = _temp.Combine("seen");
        string script = $$"""
            echo "METRIC step=0 val_loss=0.9"
            for i in $(seq 1 300); do [ -f '{{seen}}' ] && break; sleep 0.1; done
            [ -f '{{seen}}' ] || { echo "the tracker never saw step 0" >&2; exit 7; }
            echo "METRIC val_loss=0.5"
            """;
        await using Study study = await NewStudy();
        var objective = new CommandStudyObjective(new CommandObjectiveRunner(Bash.Options(script)), _temp.Combine("trials"));
        var tracker = new CallbackTracker { OnValue = () =>
        {
            File.WriteAllText(seen, "");
            return true;
        },
        };
        var space = new SearchSpace([new ParameterSpec("x", new FloatDistribution(0, 1))]);
        var options = new StudyRunnerOptions { TotalTrials = 1, SearchSpace = space };
        options.Trackers.Add(tracker);

        await new StudyRunner(study, options).RunAsync(objective.EvaluateAsync);

        FrozenTrial trial = (await study.GetTrialsAsync()).ShouldHaveSingleItem();
        trial.FailReason.ShouldBeNull();
        trial.State.ShouldBe(TrialState.Complete);
        tracker.Events.ShouldBe(["study_started", "trial_started 0", "intermediate 0 0 0.9", "trial_finished 0", "study_finished"]);
    }

    private static Task<Study> NewStudy() =>
        Study.Builder($"live-{Guid.NewGuid():N}").UseStorage(new InMemoryStorage()).WithSeed(2).CreateAsync();

    private sealed class CallbackTracker : ITrialTracker
    {
        public List<string> Events { get; } = [];

        public List<bool> ReleasedBeforeGuard { get; } = [];

        public TaskCompletionSource FirstValue { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Func<bool>? OnValue { get; init; }

        public void StudyStarted(StudyStartedEvent started) => Events.Add("study_started");

        public void TrialStarted(TrialStartedEvent started) => Events.Add($"trial_started {started.Number}");

        public void IntermediateValue(IntermediateValueEvent value)
        {
            Events.Add($"intermediate {value.Number} {value.Step} {value.Value}");
            if (OnValue is { } onValue)
            {
                ReleasedBeforeGuard.Add(onValue());
            }

            FirstValue.TrySetResult();
        }

        public void TrialFinished(TrialFinishedEvent finished) => Events.Add($"trial_finished {finished.Trial.Number}");

        public void StudyFinished(StudyFinishedEvent finished) => Events.Add("study_finished");
    }
}
