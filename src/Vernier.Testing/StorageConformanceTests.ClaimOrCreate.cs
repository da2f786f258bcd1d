using System.Collections.Immutable;
using System.Text.Json;
using Shouldly;
using Vernier.Storage;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

public abstract partial class StorageConformanceTests
{
    private static NewTrial Asked(double at) => new()
    {
        State = TrialState.Running,
        StartedAt = At(at),
        HeartbeatAt = At(at),
        SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty.Add("worker", JsonSerializer.SerializeToElement("host:1")),
    };

    /// <summary>An ask takes the lowest-numbered waiting trial first, with the asker's start, heartbeat and attributes.</summary>
    [Fact]
    public async Task ClaimOrCreate_TrialWaiting_ClaimsItWithTheAskersStartHeartbeatAndAttributes()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial waiting = await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Waiting });

        (FrozenTrial trial, bool claimed) = await storage.ClaimOrCreateTrialAsync(study.StudyId, Asked(7), null, 10);

        claimed.ShouldBeTrue();
        trial.TrialId.ShouldBe(waiting.TrialId);
        trial.State.ShouldBe(TrialState.Running);
        trial.StartedAt!.Value.ToUnixTimeMilliseconds().ShouldBe(At(7).ToUnixTimeMilliseconds());
        trial.SystemAttributes["worker"].GetString().ShouldBe("host:1");
        ShouldMatch(trial, await storage.GetTrialAsync(waiting.TrialId));
        (await storage.GetStaleTrialsAsync(study.StudyId, At(8))).Select(t => t.TrialId).ShouldBe([waiting.TrialId]);
    }

    /// <summary>With nothing waiting, an ask creates the trial, numbered next, exactly as stored.</summary>
    [Fact]
    public async Task ClaimOrCreate_NothingWaiting_CreatesTheTrial()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        await NewRunningTrialAsync(storage, study.StudyId);

        (FrozenTrial trial, bool claimed) = await storage.ClaimOrCreateTrialAsync(study.StudyId, Asked(3), null, 10);

        claimed.ShouldBeFalse();
        trial.Number.ShouldBe(1);
        ShouldMatch(trial, await storage.GetTrialAsync(trial.TrialId));
        trial.SystemAttributes["worker"].GetString().ShouldBe("host:1");
    }

    /// <summary>An ask past the budget writes nothing, whether a trial waits or not; at the running limit with nothing waiting it is refused.</summary>
    [Fact]
    public async Task ClaimOrCreate_BudgetUsedUpOrLimitReached_WritesNothing()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        await NewRunningTrialAsync(storage, study.StudyId);
        FrozenTrial waiting = await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Waiting });

        await Should.ThrowAsync<TrialBudgetExhaustedException>(() => storage.ClaimOrCreateTrialAsync(study.StudyId, Asked(3), null, 1));
        (await storage.GetTrialAsync(waiting.TrialId)).State.ShouldBe(TrialState.Waiting);

        await storage.ClaimOrCreateTrialAsync(study.StudyId, Asked(4), null, 2);
        await Should.ThrowAsync<ConcurrencyLimitExceededException>(() => storage.ClaimOrCreateTrialAsync(study.StudyId, Asked(5), 2, 10));
        (await storage.GetTrialsAsync(study.StudyId)).Count.ShouldBe(2);
    }
}
