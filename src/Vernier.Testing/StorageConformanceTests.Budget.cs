using System.Collections.Immutable;
using System.Text.Json;
using Shouldly;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

public abstract partial class StorageConformanceTests
{
    /// <summary>At the budget a new counted trial is refused and nothing is written; waiting trials are still accepted.</summary>
    [Fact]
    public async Task CreateTrial_BudgetReached_ThrowsAndWritesNothing()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Running, StartedAt = At(1) }, maxCounted: 3);
        await storage.CreateTrialAsync(study.StudyId, Imported(TrialState.Complete), maxCounted: 3);
        await storage.CreateTrialAsync(study.StudyId, Imported(TrialState.Pruned), maxCounted: 3);

        var error = await Should.ThrowAsync<TrialBudgetExhaustedException>(
            () => storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Running, StartedAt = At(2) }, maxCounted: 3));
        await Should.ThrowAsync<TrialBudgetExhaustedException>(() => storage.CreateTrialAsync(study.StudyId, Imported(TrialState.Failed), maxCounted: 3));

        error.Budget.ShouldBe(3);
        (await storage.GetTrialsAsync(study.StudyId)).Count.ShouldBe(3);
        (await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Waiting }, maxCounted: 3)).Number.ShouldBe(3);
    }

    /// <summary>Waiting trials, failed trials whose worker was interrupted, and failed trials that were retried do not use up the budget.</summary>
    [Fact]
    public async Task CreateTrial_Budget_IgnoresWaitingInterruptedAndRetriedTrials()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        await NewWaitingTrialAsync(storage, study.StudyId);
        await storage.CreateTrialAsync(study.StudyId, FailedWith(SystemAttributes.Interrupted));
        await storage.CreateTrialAsync(study.StudyId, FailedWith(SystemAttributes.Retried));

        // A failed trial marked later, as a study does when it retries, stops counting too.
        FrozenTrial running = await NewRunningTrialAsync(storage, study.StudyId);
        await storage.SetTrialAttributeAsync(running.TrialId, AttributeScope.System, SystemAttributes.Interrupted, JsonSerializer.SerializeToElement(true));
        await storage.FinishTrialAsync(running.TrialId, TrialOutcome.Failed("interrupted", At(3)));

        await storage.CreateTrialAsync(study.StudyId, Imported(TrialState.Failed), maxCounted: 2);
        await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Running, StartedAt = At(4) }, maxCounted: 2);
        await Should.ThrowAsync<TrialBudgetExhaustedException>(
            () => storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Running, StartedAt = At(5) }, maxCounted: 2));

        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId);
        trials.Count.ShouldBe(6);
        trials.Count(TrialBudget.Counts).ShouldBe(2);
    }

    /// <summary>At the budget a claim is refused and the waiting trial stays waiting.</summary>
    [Fact]
    public async Task ClaimWaitingTrial_BudgetReached_ThrowsAndLeavesItWaiting()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial waiting = await NewWaitingTrialAsync(storage, study.StudyId);
        await NewRunningTrialAsync(storage, study.StudyId);

        var error = await Should.ThrowAsync<TrialBudgetExhaustedException>(() => storage.ClaimWaitingTrialAsync(study.StudyId, At(10), maxCounted: 1));

        error.Budget.ShouldBe(1);
        ShouldMatch(await storage.GetTrialAsync(waiting.TrialId), waiting);
        (await storage.ClaimWaitingTrialAsync(study.StudyId, At(11), maxCounted: 2)).ShouldNotBeNull().TrialId.ShouldBe(waiting.TrialId);
    }

    /// <summary>
    /// Many callers on two handles race to claim or create the last trials of a budget of 7, while some of
    /// their trials end interrupted (freeing budget): the study ends with exactly the budget, dense numbers.
    /// </summary>
    [Fact]
    public async Task ConcurrentCallersRacingForTheBudget_NeverExceedIt()
    {
        const int budget = 7;
        IStorage[] handles = await NewStorageHandlesAsync();
        StudyRecord study = await NewStudyAsync(handles[0]);
        for (int i = 0; i < 3; i++)
        {
            await NewWaitingTrialAsync(handles[0], study.StudyId);
        }

        int interrupted = 0;
        await RunConcurrentlyAsync(8, async w =>
        {
            IStorage storage = handles[w % 2];
            for (int i = 0; i < 20; i++)
            {
                FrozenTrial trial;
                try
                {
                    trial = await storage.ClaimWaitingTrialAsync(study.StudyId, At(1), maxCounted: budget)
                        ?? await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Running, StartedAt = At(1) }, maxCounted: budget);
                }
                catch (TrialBudgetExhaustedException)
                {
                    return;
                }

                if (i == 0 && w < 3)
                {
                    await storage.SetTrialAttributeAsync(trial.TrialId, AttributeScope.System, SystemAttributes.Interrupted, JsonSerializer.SerializeToElement(true));
                    await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Failed("interrupted", At(2)));
                    Interlocked.Increment(ref interrupted);
                }
                else
                {
                    await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Complete([i], At(2)));
                }
            }
        });

        IReadOnlyList<FrozenTrial> trials = await handles[0].GetTrialsAsync(study.StudyId);
        trials.Count(TrialBudget.Counts).ShouldBe(budget);
        trials.Count(t => t.State == TrialState.Complete).ShouldBe(budget);
        trials.Count.ShouldBe(budget + interrupted);
        trials.Select(t => t.Number).ShouldBe(Enumerable.Range(0, trials.Count));
    }

    private static NewTrial FailedWith(string systemAttribute) => new()
    {
        State = TrialState.Failed,
        StartedAt = At(1),
        CompletedAt = At(2),
        FailReason = "failed",
        SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty.Add(systemAttribute, JsonSerializer.SerializeToElement(true)),
    };
}
