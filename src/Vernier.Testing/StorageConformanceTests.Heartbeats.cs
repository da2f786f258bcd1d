using Shouldly;
using Vernier.Storage;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

public abstract partial class StorageConformanceTests
{
    /// <summary>
    /// Stale means Running, has beaten, and last beat strictly before the cut-off: trials that never
    /// beat, beat recently, beat exactly at the cut-off, or finished are not stale.
    /// </summary>
    [Fact]
    public async Task GetStaleTrials_ReturnsOnlyRunningTrialsWhoseLastBeatIsOlder()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial neverBeat = await NewRunningTrialAsync(storage, study.StudyId);
        FrozenTrial old = await NewRunningTrialAsync(storage, study.StudyId);
        FrozenTrial recent = await NewRunningTrialAsync(storage, study.StudyId);
        FrozenTrial atCutoff = await NewRunningTrialAsync(storage, study.StudyId);
        FrozenTrial finished = await NewRunningTrialAsync(storage, study.StudyId);
        FrozenTrial alsoOld = await NewRunningTrialAsync(storage, study.StudyId);
        await storage.RecordHeartbeatAsync(old.TrialId, At(10));
        await storage.RecordHeartbeatAsync(recent.TrialId, At(60));
        await storage.RecordHeartbeatAsync(atCutoff.TrialId, At(50));
        await storage.RecordHeartbeatAsync(finished.TrialId, At(10));
        await storage.FinishTrialAsync(finished.TrialId, TrialOutcome.Complete([1.0], At(11)));
        await storage.RecordHeartbeatAsync(alsoOld.TrialId, At(49.999));

        IReadOnlyList<FrozenTrial> stale = await storage.GetStaleTrialsAsync(study.StudyId, At(50));

        stale.Select(t => t.Number).Order().ShouldBe([old.Number, alsoOld.Number]);
        ShouldMatch(stale.Single(t => t.TrialId == old.TrialId), old);
        neverBeat.State.ShouldBe(TrialState.Running);
        (await storage.GetStaleTrialsAsync(study.StudyId, At(1_000_000))).Select(t => t.Number).Order()
            .ShouldBe([old.Number, recent.Number, atCutoff.Number, alsoOld.Number]);
    }

    /// <summary>A trial created with its first heartbeat is stale once that beat is older than the cut-off, with no beat recorded after.</summary>
    [Fact]
    public async Task CreateTrial_WithFirstHeartbeat_IsStaleOnceThatBeatIsOld()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial beating = await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Running, StartedAt = At(5), HeartbeatAt = At(5) });
        FrozenTrial silent = await NewRunningTrialAsync(storage, study.StudyId);
        FrozenTrial waiting = await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Waiting, HeartbeatAt = At(5) });

        (await storage.GetStaleTrialsAsync(study.StudyId, At(5))).ShouldBeEmpty();
        (await storage.GetStaleTrialsAsync(study.StudyId, At(6))).Select(t => t.Number).ShouldBe([beating.Number]);
        silent.State.ShouldBe(TrialState.Running);
        waiting.State.ShouldBe(TrialState.Waiting);
    }

    /// <summary>A later heartbeat replaces the earlier one, so a beating trial stops being stale.</summary>
    [Fact]
    public async Task RecordHeartbeat_Later_ReplacesTheEarlierBeat()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        await storage.RecordHeartbeatAsync(trial.TrialId, At(10));
        (await storage.GetStaleTrialsAsync(study.StudyId, At(20))).ShouldHaveSingleItem();

        await storage.RecordHeartbeatAsync(trial.TrialId, At(30));

        (await storage.GetStaleTrialsAsync(study.StudyId, At(20))).ShouldBeEmpty();
        (await storage.GetStaleTrialsAsync(study.StudyId, At(31))).ShouldHaveSingleItem();
    }

    /// <summary>A trial claimed from the queue becomes stale like any other once it has beaten and stopped.</summary>
    [Fact]
    public async Task GetStaleTrials_ClaimedTrialThatStoppedBeating_IsStale()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        await NewWaitingTrialAsync(storage, study.StudyId);
        FrozenTrial claimed = (await storage.ClaimWaitingTrialAsync(study.StudyId, At(5))).ShouldNotBeNull();
        await storage.RecordHeartbeatAsync(claimed.TrialId, At(6));

        FrozenTrial stale = (await storage.GetStaleTrialsAsync(study.StudyId, At(60))).ShouldHaveSingleItem();

        ShouldMatch(stale, claimed);
    }

    /// <summary>Staleness is per study.</summary>
    [Fact]
    public async Task GetStaleTrials_OnlyReturnsTrialsOfTheStudy()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord a = await NewStudyAsync(storage, "a");
        StudyRecord b = await NewStudyAsync(storage, "b");
        FrozenTrial trial = await NewRunningTrialAsync(storage, a.StudyId);
        await storage.RecordHeartbeatAsync(trial.TrialId, At(1));

        (await storage.GetStaleTrialsAsync(b.StudyId, At(100))).ShouldBeEmpty();
        (await storage.GetStaleTrialsAsync(a.StudyId, At(100))).ShouldHaveSingleItem();
    }
}
