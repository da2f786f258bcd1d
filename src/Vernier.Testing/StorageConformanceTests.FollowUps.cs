using System.Collections.Concurrent;
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
    /// <summary>A finish that carries attributes and a retry writes all of it: the failure, the marks, and exactly one linked Waiting trial.</summary>
    [Fact]
    public async Task FinishTrial_WithRetry_WritesAttributesAndOneLinkedWaitingTrial()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial running = await storage.CreateTrialAsync(
            study.StudyId,
            new NewTrial { State = TrialState.Running, StartedAt = At(1), Parameters = SampleData.Parameters(), SystemAttributes = SampleData.SystemAttributes() });

        (await storage.FinishTrialAsync(running.TrialId, RetriedFailure(running, At(5)))).ShouldBeTrue();

        IReadOnlyList<FrozenTrial> trials = await storage.GetTrialsAsync(study.StudyId);
        trials.Count.ShouldBe(2);
        FrozenTrial failed = trials[0];
        failed.State.ShouldBe(TrialState.Failed);
        failed.FailReason.ShouldBe("stale");
        failed.SystemAttributes[SystemAttributes.Interrupted].GetBoolean().ShouldBeTrue();
        failed.SystemAttributes["sampler"].GetString().ShouldBe("replaced"); // replaces an existing attribute
        failed.SystemAttributes["shared"].GetString().ShouldBe("system"); // leaves the others
        FrozenTrial retry = trials[1];
        retry.Number.ShouldBe(1);
        retry.State.ShouldBe(TrialState.Waiting);
        retry.StartedAt.ShouldBeNull();
        retry.Parameters.ShouldBe(SampleData.Parameters());
        retry.SystemAttributes[SystemAttributes.RetryOf].GetInt32().ShouldBe(running.Number);
        retry.SystemAttributes[SystemAttributes.RetryCount].GetInt32().ShouldBe(1);
        (await storage.ClaimWaitingTrialAsync(study.StudyId, At(6))).ShouldNotBeNull().TrialId.ShouldBe(retry.TrialId);
    }

    /// <summary>A trial finished already (by its worker, or by a sweep) is not finished again: the second finish writes no attributes and no retry.</summary>
    [Fact]
    public async Task FinishTrial_AlreadyFinished_WritesNeitherAttributesNorRetry()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial running = await NewRunningTrialAsync(storage, study.StudyId);
        (await storage.FinishTrialAsync(running.TrialId, RetriedFailure(running, At(5)))).ShouldBeTrue();
        FrozenTrial before = await storage.GetTrialAsync(running.TrialId);

        TrialOutcome again = RetriedFailure(running, At(6)) with
        {
            SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty.Add("second", SampleData.Json("true")),
        };
        (await storage.FinishTrialAsync(running.TrialId, again)).ShouldBeFalse();

        (await storage.GetTrialsAsync(study.StudyId)).Count.ShouldBe(2);
        ShouldMatch(await storage.GetTrialAsync(running.TrialId), before);
    }

    /// <summary>A Waiting trial is not finished either, and gets no retry.</summary>
    [Fact]
    public async Task FinishTrial_WaitingTrialWithRetry_WritesNothing()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial waiting = await NewWaitingTrialAsync(storage, study.StudyId);

        (await storage.FinishTrialAsync(waiting.TrialId, RetriedFailure(waiting, At(5)))).ShouldBeFalse();

        (await storage.GetTrialsAsync(study.StudyId)).ShouldHaveSingleItem();
        ShouldMatch(await storage.GetTrialAsync(waiting.TrialId), waiting);
    }

    /// <summary>A follow-up trial must be Waiting; anything else is refused before anything is written.</summary>
    [Fact]
    public async Task FinishTrial_RetryNotWaiting_ThrowsAndWritesNothing()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial running = await NewRunningTrialAsync(storage, study.StudyId);
        TrialOutcome outcome = TrialOutcome.Failed("stale", At(5)) with { Retry = new NewTrial { State = TrialState.Running, StartedAt = At(5) } };

        var error = await Should.ThrowAsync<ArgumentException>(() => storage.FinishTrialAsync(running.TrialId, outcome));

        error.Message.ShouldContain("waiting");
        ShouldMatch(await storage.GetTrialAsync(running.TrialId), running);
    }

    /// <summary>Many processes failing the same stale trial at once, each with a retry: one wins, and exactly one retry exists.</summary>
    [Fact]
    public async Task FinishTrial_ConcurrentFinishersWithRetries_CreateExactlyOneRetry()
    {
        IStorage[] handles = await NewStorageHandlesAsync();
        StudyRecord study = await NewStudyAsync(handles[0]);
        var running = new FrozenTrial[4];
        for (int i = 0; i < running.Length; i++)
        {
            running[i] = await NewRunningTrialAsync(handles[0], study.StudyId);
        }

        var wins = new ConcurrentBag<long>();

        await RunConcurrentlyAsync(16, async w =>
        {
            FrozenTrial trial = running[w % running.Length];
            if (await handles[w % 2].FinishTrialAsync(trial.TrialId, RetriedFailure(trial, At(w))))
            {
                wins.Add(trial.TrialId);
            }
        });

        wins.OrderBy(id => id).ShouldBe(running.Select(t => t.TrialId).OrderBy(id => id));
        IReadOnlyList<FrozenTrial> trials = await handles[0].GetTrialsAsync(study.StudyId);
        trials.Select(t => t.Number).ShouldBe(Enumerable.Range(0, 8));
        trials.Where(t => t.State == TrialState.Waiting)
            .Select(t => t.SystemAttributes[SystemAttributes.RetryOf].GetInt32())
            .Order()
            .ShouldBe(running.Select(t => t.Number));
    }

    /// <summary>A claim writes the attributes it is given (the worker) with the claim, replacing existing ones; the snapshot shows them.</summary>
    [Fact]
    public async Task ClaimWaitingTrial_WithSystemAttributes_SetsThemOnTheClaimedTrial()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial waiting = await storage.CreateTrialAsync(
            study.StudyId, new NewTrial { State = TrialState.Waiting, SystemAttributes = SampleData.SystemAttributes() });
        ImmutableDictionary<string, JsonElement> worker = ImmutableDictionary<string, JsonElement>.Empty
            .Add(SystemAttributes.Worker, SampleData.Json("{\"host\":\"node-1\",\"pid\":42}"))
            .Add("sampler", SampleData.Json("\"replaced\""));

        FrozenTrial claimed = (await storage.ClaimWaitingTrialAsync(study.StudyId, At(10), systemAttributes: worker)).ShouldNotBeNull();

        ImmutableDictionary<string, JsonElement> expected = SampleData.SystemAttributes().SetItems(worker);
        ShouldMatch(claimed, waiting with { State = TrialState.Running, StartedAt = At(10), SystemAttributes = expected });
        ShouldMatch(await storage.GetTrialAsync(waiting.TrialId), claimed);
        (await storage.ClaimWaitingTrialAsync(study.StudyId, At(11), systemAttributes: worker)).ShouldBeNull();
    }

    /// <summary>A claim refused (budget or running limit) writes no attributes.</summary>
    [Fact]
    public async Task ClaimWaitingTrial_Refused_WritesNoAttributes()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        await NewRunningTrialAsync(storage, study.StudyId);
        FrozenTrial waiting = await NewWaitingTrialAsync(storage, study.StudyId);
        ImmutableDictionary<string, JsonElement> worker = ImmutableDictionary<string, JsonElement>.Empty.Add(SystemAttributes.Worker, SampleData.Json("{\"host\":\"h\",\"pid\":1}"));

        (await storage.ClaimWaitingTrialAsync(study.StudyId, At(10), maxRunning: 1, systemAttributes: worker)).ShouldBeNull();
        await Should.ThrowAsync<TrialBudgetExhaustedException>(() => storage.ClaimWaitingTrialAsync(study.StudyId, At(10), maxCounted: 1, systemAttributes: worker));

        ShouldMatch(await storage.GetTrialAsync(waiting.TrialId), waiting);
    }

    /// <summary>A stale failure with marks and a linked retry, as a study writes it.</summary>
    private static TrialOutcome RetriedFailure(FrozenTrial trial, DateTimeOffset at) => TrialOutcome.Failed("stale", at) with
    {
        SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty
            .Add(SystemAttributes.Interrupted, SampleData.Json("true"))
            .Add("sampler", SampleData.Json("\"replaced\"")),
        Retry = new NewTrial
        {
            State = TrialState.Waiting,
            Parameters = trial.Parameters,
            SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty
                .Add(SystemAttributes.RetryOf, JsonSerializer.SerializeToElement(trial.Number))
                .Add(SystemAttributes.RetryCount, SampleData.Json("1")),
        },
    };
}
