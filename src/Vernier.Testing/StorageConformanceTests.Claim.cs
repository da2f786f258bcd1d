using System.Collections.Concurrent;
using Shouldly;
using Vernier.Storage;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

public abstract partial class StorageConformanceTests
{
    /// <summary>Claims take the lowest-numbered waiting trial first, record the start time, keep its contents, and end with null.</summary>
    [Fact]
    public async Task ClaimWaitingTrial_ClaimsLowestNumberFirst_ThenReturnsNull()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial w0 = await NewWaitingTrialAsync(storage, study.StudyId);
        await NewRunningTrialAsync(storage, study.StudyId);
        FrozenTrial w2 = await NewWaitingTrialAsync(storage, study.StudyId);
        await storage.CreateTrialAsync(study.StudyId, Imported(TrialState.Complete));

        FrozenTrial first = (await storage.ClaimWaitingTrialAsync(study.StudyId, At(10))).ShouldNotBeNull();
        FrozenTrial second = (await storage.ClaimWaitingTrialAsync(study.StudyId, At(11))).ShouldNotBeNull();
        FrozenTrial? third = await storage.ClaimWaitingTrialAsync(study.StudyId, At(12));

        ShouldMatch(first, w0 with { State = TrialState.Running, StartedAt = At(10) });
        ShouldMatch(second, w2 with { State = TrialState.Running, StartedAt = At(11) });
        third.ShouldBeNull();
        ShouldMatch(await storage.GetTrialAsync(w0.TrialId), first);
        (await storage.GetTrialsAsync(study.StudyId, [TrialState.Waiting])).ShouldBeEmpty();
    }

    /// <summary>At the running limit nothing is claimed, and the waiting trial stays waiting.</summary>
    [Fact]
    public async Task ClaimWaitingTrial_MaxRunningReached_ReturnsNullAndLeavesItWaiting()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial running = await NewRunningTrialAsync(storage, study.StudyId);
        FrozenTrial waiting = await NewWaitingTrialAsync(storage, study.StudyId);

        (await storage.ClaimWaitingTrialAsync(study.StudyId, At(10), maxRunning: 1)).ShouldBeNull();
        ShouldMatch(await storage.GetTrialAsync(waiting.TrialId), waiting);

        await storage.FinishTrialAsync(running.TrialId, TrialOutcome.Complete([1.0], At(11)));
        (await storage.ClaimWaitingTrialAsync(study.StudyId, At(12), maxRunning: 1)).ShouldNotBeNull().TrialId.ShouldBe(waiting.TrialId);
    }

    /// <summary>Claims never take trials of another study.</summary>
    [Fact]
    public async Task ClaimWaitingTrial_OnlyClaimsTrialsOfItsStudy()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord a = await NewStudyAsync(storage, "a");
        StudyRecord b = await NewStudyAsync(storage, "b");
        await NewWaitingTrialAsync(storage, a.StudyId);

        (await storage.ClaimWaitingTrialAsync(b.StudyId, At(10))).ShouldBeNull();
        (await storage.GetTrialsAsync(a.StudyId, [TrialState.Waiting])).Count.ShouldBe(1);
    }

    /// <summary>Eight claimers draining forty waiting trials claim each exactly once.</summary>
    [Fact]
    public async Task ClaimWaitingTrial_ConcurrentClaimers_ClaimEachTrialExactlyOnce()
    {
        IStorage[] handles = await NewStorageHandlesAsync();
        StudyRecord study = await NewStudyAsync(handles[0]);
        for (int i = 0; i < 40; i++)
        {
            await NewWaitingTrialAsync(handles[0], study.StudyId);
        }

        var claimed = new ConcurrentBag<int>();
        await RunConcurrentlyAsync(8, async w =>
        {
            while (await handles[w % 2].ClaimWaitingTrialAsync(study.StudyId, At(w)) is { } trial)
            {
                trial.State.ShouldBe(TrialState.Running);
                claimed.Add(trial.Number);
            }
        });

        claimed.Order().ShouldBe(Enumerable.Range(0, 40));
        (await handles[1].GetTrialsAsync(study.StudyId, [TrialState.Running])).Count.ShouldBe(40);
    }

    /// <summary>Concurrent claimers under a running limit of 2 claim exactly two trials.</summary>
    [Fact]
    public async Task ClaimWaitingTrial_ConcurrentClaimersAtMaxRunning_ClaimExactlyTheLimit()
    {
        IStorage[] handles = await NewStorageHandlesAsync();
        StudyRecord study = await NewStudyAsync(handles[0]);
        for (int i = 0; i < 10; i++)
        {
            await NewWaitingTrialAsync(handles[0], study.StudyId);
        }

        int claimed = 0;
        await RunConcurrentlyAsync(8, async w =>
        {
            for (int i = 0; i < 5; i++)
            {
                if (await handles[w % 2].ClaimWaitingTrialAsync(study.StudyId, At(w), maxRunning: 2) is not null)
                {
                    Interlocked.Increment(ref claimed);
                }
            }
        });

        claimed.ShouldBe(2);
        (await handles[0].GetTrialsAsync(study.StudyId, [TrialState.Running])).Select(t => t.Number).ShouldBe([0, 1]);
        (await handles[0].GetTrialsAsync(study.StudyId, [TrialState.Waiting])).Count.ShouldBe(8);
    }
}
