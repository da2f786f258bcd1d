using System.Text.Json;
using Vernier.Distributions;
using Vernier.SearchSpaces;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Studies;

public class StudyAskTellTests
{
    [Fact]
    public async Task AskTell_RecordsValuesAndBestTrial()
    {
        await using Study study = await Study.Builder("asktell").Maximize().CreateAsync();
        foreach (double v in new[] { 0.2, 0.9, 0.5 })
        {
            Trial trial = await study.AskAsync();
            trial.SuggestFloat("x", 0, 1);
            await study.TellAsync(trial, v);
        }

        FrozenTrial best = (await study.GetBestTrialAsync())!;
        best.Number.ShouldBe(1);
        best.Value.ShouldBe(0.9);
    }

    [Fact]
    public async Task BestTrial_PrefersFeasibleTrials_AndFallsBackToTheLeastViolating()
    {
        await using Study study = await Study.Builder("constrained").CreateAsync();
        foreach (var (value, constraint) in new[] { (0.1, 2.0), (0.5, 0.5), (0.9, 0.0) })
        {
            Trial trial = await study.AskAsync();
            trial.ReportConstraints(constraint, -1.0);
            await study.TellAsync(trial, value);
        }

        FrozenTrial best = (await study.GetBestTrialAsync())!;
        best.Number.ShouldBe(2);
        best.Constraints.ShouldBe([0.0, -1.0]);
        best.IsFeasible.ShouldBeTrue();
        (await study.GetBestTrialsAsync()).Single().Number.ShouldBe(2);

        await using Study infeasible = await Study.Builder("infeasible").CreateAsync();
        foreach (var (value, constraint) in new[] { (0.1, 2.0), (0.5, 0.5), (0.9, double.NaN) })
        {
            Trial trial = await infeasible.AskAsync();
            trial.ReportConstraints(constraint);
            await infeasible.TellAsync(trial, value);
        }

        FrozenTrial leastViolating = (await infeasible.GetBestTrialAsync())!;
        leastViolating.Number.ShouldBe(1);
        leastViolating.IsFeasible.ShouldBeFalse();
        (await infeasible.GetTrialAsync(2)).ConstraintViolation.ShouldBe(double.PositiveInfinity);
    }

    [Fact]
    public async Task Tell_Twice_ThrowsAndKeepsTheFirstResult()
    {
        await using Study study = await Study.Builder("twice").CreateAsync();
        Trial trial = await study.AskAsync();
        await study.TellAsync(trial, 1.0);
        Should.Throw<TrialStateException>(() => study.TellAsync(trial, 2.0)).Message.ShouldBe("trial 0 was already complete; this result was not recorded.");
        (await study.GetTrialAsync(0)).Value.ShouldBe(1.0);
    }

    [Fact]
    public async Task Ask_AtMaxConcurrent_RefusesWithClearError()
    {
        await using Study study = await Study.Builder("limit").Configure(o => o.MaxConcurrent = 2).CreateAsync();
        await study.AskAsync();
        Trial second = await study.AskAsync();
        var error = await Should.ThrowAsync<ConcurrencyLimitExceededException>(() => study.AskAsync());
        error.Message.ShouldBe("2 trial(s) are already running, the study's max_concurrent limit; tell a result before asking again, or raise max_concurrent.");
        (await study.GetTrialsAsync()).Count.ShouldBe(2);

        await study.TellAsync(second, 0.0);
        (await study.AskAsync()).Number.ShouldBe(2);
    }

    [Fact]
    public async Task Enqueue_FirstTrialUsesGivenValuesAndSamplesTheRest()
    {
        await using Study study = await Study.Builder("enqueue").CreateAsync();
        await study.EnqueueTrialAsync(new Dictionary<string, object?> { ["lr"] = 0.01, ["act"] = "tanh" });
        Trial trial = await study.AskAsync();
        trial.SuggestFloat("lr", 1e-4, 1, log: true).ShouldBe(0.01);
        trial.SuggestCategorical("act", ["relu", "tanh"]).ShouldBe("tanh");
        trial.SuggestInt("units", 8, 64).ShouldBeInRange(8, 64);
        (await study.AskAsync()).Number.ShouldBe(1);
    }

    [Fact]
    public async Task Enqueue_ValueOutsideDistribution_FailsWithReasonNamingTheParameter()
    {
        await using Study study = await Study.Builder("enqueue-bad").CreateAsync();
        await study.EnqueueTrialAsync(new Dictionary<string, object?> { ["lr"] = 5.0 });
        await study.OptimizeAsync(t => t.SuggestFloat("lr", 1e-4, 1, log: true), new OptimizeOptions { NTrials = 1 });
        (await study.GetTrialAsync(0)).FailReason.ShouldBe("the objective threw ArgumentException: the enqueued value for 'lr' does not fit: 5 is outside float[0.0001, 1] log.");
    }

    [Fact]
    public async Task Suggest_SameNameDifferentKindAcrossTrials_IsRefused()
    {
        await using Study study = await Study.Builder("incompatible").CreateAsync();
        await study.OptimizeAsync(t => t.SuggestFloat("x", 0, 1), new OptimizeOptions { NTrials = 1 });
        await study.OptimizeAsync(t => t.SuggestInt("x", 0, 1), new OptimizeOptions { NTrials = 1 });
        (await study.GetTrialAsync(1)).FailReason!.ShouldContain("parameter 'x' was asked as float[0, 1] in an earlier trial of this study and is now asked as int[0, 1]");
    }

    [Fact]
    public async Task Suggest_SameNameTwiceInOneTrial_ReturnsSameValueOrRefusesOtherDistribution()
    {
        await using Study study = await Study.Builder("twice-in-trial").CreateAsync();
        Trial trial = await study.AskAsync();
        double x = trial.SuggestFloat("x", 0, 1);
        trial.SuggestFloat("x", 0, 1).ShouldBe(x);
        Should.Throw<IncompatibleDistributionException>(() => trial.SuggestFloat("x", 0, 2));
    }

    [Fact]
    public async Task Ask_DeclaredSpace_RespectsConditionsAndConstraints()
    {
        var opt = new CategoricalDistribution(["adam", "sgd"]);
        var space = new SearchSpace(
            [
                new ParameterSpec("opt", opt),
                new ParameterSpec("momentum", new FloatDistribution(0, 0.99)),
                new ParameterSpec("nesterov", new CategoricalDistribution([true, false]), Condition.Equal("opt", "sgd")),
                new ParameterSpec("lr", new FloatDistribution(1e-4, 1, log: true)),
            ],
            [
                new FixedValue(Condition.Equal("opt", "adam"), "momentum", 0.0),
                new ForbiddenCombination(Condition.All(Condition.Equal("opt", "sgd"), Condition.Compare("lr", Comparison.GreaterThan, 0.01))),
            ]);
        await using Study study = await Study.Builder("declared").WithSeed(3).CreateAsync();
        await study.OptimizeAsync(t => 0.0, new OptimizeOptions { NTrials = 200, SearchSpace = space });

        IReadOnlyList<FrozenTrial> trials = await study.GetTrialsAsync();
        trials.ShouldAllBe(t => t.State == TrialState.Complete);
        foreach (FrozenTrial t in trials)
        {
            space.Validate(t.Params).ShouldBeEmpty();
        }

        trials.Count(t => (string)t.Params["opt"]! == "sgd").ShouldBeGreaterThan(10);
    }

    [Fact]
    public async Task RecoverAbandonedTrials_StaleHeartbeat_FailsAndRetriesWithSameParameters()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var storage = new InMemoryStorage();
        await using Study study = await Study.Builder("stale").UseStorage(storage)
            .Configure(o => { o.TimeProvider = clock; o.MaxRetries = 1; }).CreateAsync();
        Trial trial = await study.AskAsync();
        trial.SuggestFloat("x", 0, 1);
        await storage.RecordHeartbeatAsync(trial.TrialId, clock.GetUtcNow());
        Trial neverBeats = await study.AskAsync();

        clock.Advance(TimeSpan.FromSeconds(61));
        IReadOnlyList<FrozenTrial> failed = await study.RecoverAbandonedTrialsAsync();

        failed.Select(t => t.Number).ShouldBe([0]);
        failed[0].FailReason.ShouldBe("stale: no heartbeat from worker (unknown) for more than 60 s");
        FrozenTrial retry = (await study.GetTrialsAsync()).Last();
        retry.State.ShouldBe(TrialState.Waiting);
        retry.SystemAttributes[SystemAttributes.RetryOf].GetInt32().ShouldBe(0);
        Trial rerun = await study.AskAsync();
        rerun.SuggestFloat("x", 0, 1).ShouldBe(trial.Params["x"]);
        (await study.GetTrialAsync(neverBeats.Number)).State.ShouldBe(TrialState.Running);
    }

    [Fact]
    public async Task Optimize_AnotherWorkersTrialGoesStaleMeanwhile_IsRecoveredWithoutWaitingForTheNextRun()
    {
        var storage = new InMemoryStorage();
        static void Fast(StudyOptions o)
        {
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(50);
            o.StaleAfter = TimeSpan.FromMilliseconds(200);
            o.MaxRetries = 1;
        }

        await using Study gone = await Study.Builder("busy").UseStorage(storage)
            .Configure(o => { Fast(o); o.Worker = new WorkerIdentity("elsewhere", 1, null); }).CreateAsync();
        Trial abandoned = await gone.AskAsync();
        await gone.RecordHeartbeatAsync(abandoned.Number); // then its worker dies: no more beats
        await using Study busy = await Study.Builder("busy").UseStorage(storage).Configure(Fast).LoadAsync();

        FrozenTrial? seen = null;
        await busy.OptimizeAsync(
            async (Trial trial, CancellationToken token) =>
            {
                // A long trial: it ends once the run has recovered the other worker's trial (or after a generous wait).
                for (int i = 0; i < 400 && (seen = await busy.GetTrialAsync(abandoned.Number, token)).State == TrialState.Running; i++)
                {
                    await Task.Delay(25, token);
                }

                return 0.0;
            },
            new OptimizeOptions { NTrials = 1 });

        seen!.State.ShouldBe(TrialState.Failed);
        seen.FailReason!.ShouldStartWith("stale: no heartbeat from worker elsewhere");
        (await busy.GetTrialsAsync()).ShouldContain(t => t.SystemAttributes.ContainsKey(SystemAttributes.RetryOf));
    }

    [Fact]
    public async Task RecordHeartbeat_ByNumber_KeepsATrialAliveUntilItsBeatsStop()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using Study study = await Study.Builder("beats").Configure(o => { o.TimeProvider = clock; o.Worker = null; }).CreateAsync();
        Trial trial = await study.AskAsync();

        await study.RecordHeartbeatAsync(trial.Number);
        clock.Advance(TimeSpan.FromSeconds(50));
        await study.RecordHeartbeatAsync(trial.Number);
        clock.Advance(TimeSpan.FromSeconds(50));
        (await study.RecoverAbandonedTrialsAsync()).ShouldBeEmpty();

        clock.Advance(TimeSpan.FromSeconds(11));
        (await study.RecoverAbandonedTrialsAsync()).Select(t => t.Number).ShouldBe([trial.Number]);
    }

    [Fact]
    public async Task RecordHeartbeat_FinishedTrial_SaysItIsNotRunning()
    {
        await using Study study = await Study.Builder("told").CreateAsync();
        Trial trial = await study.AskAsync();
        await study.TellAsync(trial, 1.0);

        TrialStateException e = await Should.ThrowAsync<TrialStateException>(() => study.RecordHeartbeatAsync(trial.Number));

        e.Message.ShouldBe("trial 0 is complete, not running: there is nothing to keep alive.");
    }

    [Fact]
    public async Task RecoverAbandonedTrials_DeadWorkerOnThisMachine_FailsAtOnce()
    {
        var dead = new WorkerIdentity("host", 4242, null);
        var storage = new InMemoryStorage();
        await using (Study crashed = await Study.Builder("dead").UseStorage(storage).Configure(o => o.Worker = dead).CreateAsync())
        {
            await crashed.AskAsync();
        }

        await using Study study = await Study.Builder("dead").UseStorage(storage)
            .Configure(o => { o.Worker = dead with { ProcessId = 1 }; o.WorkerLiveness = new DeadWorkers(dead); }).LoadAsync();
        IReadOnlyList<FrozenTrial> failed = await study.RecoverAbandonedTrialsAsync();
        failed.Single().FailReason.ShouldBe("interrupted: its worker host:4242 is no longer running");
        failed.Single().SystemAttributes[SystemAttributes.Interrupted].GetBoolean().ShouldBeTrue();
        failed.Single().SystemAttributes[SystemAttributes.Worker].GetProperty("process_id").GetInt32().ShouldBe(4242);
    }

    [Fact]
    public async Task RecoverAbandonedTrials_WorkerKilledRightAfterCreatingATrial_FailsItAsInterrupted()
    {
        var dead = new WorkerIdentity("host", 4343, null);
        var storage = new InMemoryStorage();
        // The worker dies after the trial's insert, before any later write (its worker attribute, its first heartbeat).
        IStorage dying = KilledAfterInsert.Wrap(storage);
        await using (Study crashed = await Study.Builder("killed").UseStorage(dying).Configure(o => o.Worker = dead).CreateAsync())
        {
            // The ask needs no write after the insert; had it written the worker separately, that write would have "killed" it first.
            await crashed.AskAsync();
        }

        await using Study study = await Study.Builder("killed").UseStorage(storage)
            .Configure(o => { o.Worker = dead with { ProcessId = 1 }; o.WorkerLiveness = new DeadWorkers(dead); }).LoadAsync();
        IReadOnlyList<FrozenTrial> failed = await study.RecoverAbandonedTrialsAsync();

        failed.Single().FailReason.ShouldBe("interrupted: its worker host:4343 is no longer running");
        (await study.GetTrialsAsync([TrialState.Running])).ShouldBeEmpty();
    }

    [Fact]
    public async Task Load_WithDifferentSeedOrDirection_IsRefused()
    {
        var storage = new InMemoryStorage();
        await using Study created = await Study.Builder("keep").UseStorage(storage).WithSeed(5).Maximize().CreateAsync();
        Should.Throw<ArgumentException>(() => Study.Builder("keep").UseStorage(storage).WithSeed(6).LoadAsync()).Message
            .ShouldBe("study 'keep' was created with seed 5, not 6; a study keeps its seed so that it can be reproduced. Use another study name.");
        Should.Throw<ArgumentException>(() => Study.Builder("keep").UseStorage(storage).Minimize().LoadAsync()).Message
            .ShouldBe("study 'keep' was created to maximize, not minimize; use another study name.");
    }

    [Fact]
    public async Task MultiObjective_BestTrialsIsTheParetoFront()
    {
        await using Study study = await Study.Builder("pareto").WithDirections(StudyDirection.Minimize, StudyDirection.Maximize).CreateAsync();
        foreach (double[] values in new[] { new[] { 1.0, 1.0 }, [2.0, 3.0], [1.5, 0.5], [0.5, 0.5] })
        {
            await study.TellAsync(await study.AskAsync(), values);
        }

        (await study.GetBestTrialsAsync()).Select(t => t.Number).ShouldBe([0, 1, 3]);
        await Should.ThrowAsync<InvalidOperationException>(() => study.GetBestTrialAsync());
        Trial wrongCount = await study.AskAsync();
        (await study.TellAsync(wrongCount, 1.0)).FailReason.ShouldBe("the objective returned 1 value(s), but the study has 2 objective(s).");
    }

    [Fact]
    public async Task UserAttributes_AreStoredAsJson()
    {
        await using Study study = await Study.Builder("attrs").CreateAsync();
        Trial trial = await study.AskAsync();
        trial.SetUserAttribute("note", new { epochs = 3 });
        (await study.GetTrialAsync(0)).UserAttributes["note"].GetProperty("epochs").GetInt32().ShouldBe(3);
        await study.SetUserAttributeAsync("owner", "team-a");
        (await study.GetRecordAsync()).UserAttributes["owner"].GetString().ShouldBe("team-a");
    }

    /// <summary>A storage whose process is killed once a trial was inserted: every later trial write fails.</summary>
    internal class KilledAfterInsert : System.Reflection.DispatchProxy
    {
        private IStorage _inner = null!;
        private bool _inserted;

        public static IStorage Wrap(IStorage inner)
        {
            IStorage proxy = Create<IStorage, KilledAfterInsert>();
            ((KilledAfterInsert)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            if (_inserted && targetMethod!.Name is nameof(IStorage.SetTrialAttributeAsync) or nameof(IStorage.RecordHeartbeatAsync) or nameof(IStorage.FinishTrialAsync))
            {
                throw new IOException("killed");
            }

            _inserted |= targetMethod!.Name == nameof(IStorage.CreateTrialAsync);
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }

    private sealed class DeadWorkers(WorkerIdentity dead) : IWorkerLiveness
    {
        public bool? IsAlive(WorkerIdentity worker) => worker != dead;
    }
}
