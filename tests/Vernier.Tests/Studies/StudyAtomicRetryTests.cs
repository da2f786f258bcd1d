using Vernier.Samplers;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;

namespace Vernier.Tests.Studies;

/// <summary>A failed trial and its retry are one storage write, and so are a claim and its worker: a kill in between loses neither.</summary>
public class StudyAtomicRetryTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task RecoverAbandonedTrials_KilledRightAfterFailingAStaleTrial_ItsRetryExistsAlready()
    {
        var clock = new ManualTimeProvider(Start);
        var storage = new InMemoryStorage();
        await using (Study owner = await Study.Builder("stale").UseStorage(storage).Configure(o => o.TimeProvider = clock).CreateAsync())
        {
            Trial trial = await owner.AskAsync();
            trial.SuggestFloat("x", 0, 1);
            await storage.RecordHeartbeatAsync(trial.TrialId, clock.GetUtcNow());
        }

        clock.Advance(TimeSpan.FromMinutes(5));
        (IStorage dying, RecordingStorage recorder) = RecordingStorage.Wrap(storage, killAfter: nameof(IStorage.FinishTrialAsync));
        await using Study sweeper = await Study.Builder("stale").UseStorage(dying).Configure(o => { o.TimeProvider = clock; o.MaxRetries = 2; }).LoadAsync();

        (await sweeper.RecoverAbandonedTrialsAsync()).ShouldHaveSingleItem();

        recorder.Writes.ShouldBe([nameof(IStorage.FinishTrialAsync)]);
        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(sweeper.StudyId);
        trials.Select(t => t.State).ShouldBe([TrialState.Failed, TrialState.Waiting]);
        trials[0].SystemAttributes[SystemAttributes.Interrupted].GetBoolean().ShouldBeTrue();
        trials[0].SystemAttributes[SystemAttributes.FailureClass].GetString().ShouldBe("interrupted");
        trials[1].SystemAttributes[SystemAttributes.RetryOf].GetInt32().ShouldBe(0);
        trials[1].SystemAttributes[SystemAttributes.RetryCount].GetInt32().ShouldBe(1);
        trials[1].SystemAttributes[SystemAttributes.FixedParameters].GetProperty("x").GetDouble().ShouldBe(trials[0].Params["x"]);
    }

    [Fact]
    public async Task Optimize_RetryFailed_KilledRightAfterTheFailure_ItsRetryExistsAlready()
    {
        var storage = new InMemoryStorage();
        (IStorage dying, _) = RecordingStorage.Wrap(storage, killAfter: nameof(IStorage.FinishTrialAndReadAsync));
        await using Study study = await Study.Builder("flaky").UseStorage(dying)
            .Configure(o => { o.MaxRetries = 1; o.RetryFailed = t => t.FailReason == "flaky"; })
            .CreateAsync();

        await Should.ThrowAsync<IOException>(() => study.OptimizeAsync(
            trial =>
            {
                trial.SuggestInt("n", 1, 9);
                throw new TrialFailedException("flaky");
            },
            new OptimizeOptions { NTrials = 2 }));

        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId);
        trials.Select(t => t.State).ShouldBe([TrialState.Failed, TrialState.Waiting]);
        trials[0].SystemAttributes.ContainsKey(SystemAttributes.Retried).ShouldBeTrue();
        TrialBudget.Counts(trials[0]).ShouldBeFalse();
        trials[1].SystemAttributes[SystemAttributes.RetryOf].GetInt32().ShouldBe(0);
        trials[1].SystemAttributes[SystemAttributes.FixedParameters].GetProperty("n").GetInt64().ShouldBe((long)trials[0].Params["n"]!);
    }

    [Fact]
    public async Task Optimize_RetryFailedThrows_RecordsTheTrialWithoutRetryThenSurfacesTheError()
    {
        var storage = new InMemoryStorage();
        await using Study study = await Study.Builder("throwing-predicate").UseStorage(storage)
            .Configure(o => { o.MaxRetries = 1; o.RetryFailed = _ => throw new InvalidOperationException("bad predicate"); })
            .CreateAsync();

        await Should.ThrowAsync<InvalidOperationException>(() => study.OptimizeAsync(
            trial => throw new TrialFailedException("flaky"), new OptimizeOptions { NTrials = 1 }));

        FrozenTrial only = (await study.GetTrialsAsync()).ShouldHaveSingleItem();
        only.State.ShouldBe(TrialState.Failed);
    }

    [Fact]
    public async Task Ask_EnqueuedTrial_IsClaimedWithItsWorkerInOneWrite()
    {
        var worker = new WorkerIdentity("node-7", 77, null);
        (IStorage storage, RecordingStorage recorder) = RecordingStorage.Wrap(new InMemoryStorage());
        await using Study study = await Study.Builder("claim").UseStorage(storage).WithSampler(new RandomSampler()).Configure(o => o.Worker = worker).CreateAsync();
        await study.EnqueueTrialAsync(new Dictionary<string, object?> { ["x"] = 0.5 });
        recorder.Writes.Clear();

        Trial trial = await study.AskAsync();

        recorder.Writes.ShouldBe([nameof(IStorage.ClaimOrCreateTrialAsync)]);
        (await study.GetTrialAsync(trial.Number)).SystemAttributes[SystemAttributes.Worker].GetProperty("host").GetString().ShouldBe("node-7");
    }
}
