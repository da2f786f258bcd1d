using System.Collections.Immutable;
using System.Text.Json;
using Shouldly;
using Vernier.Distributions;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

public abstract partial class StorageConformanceTests
{
    /// <summary>Parameters set one by one on a running trial are kept exactly, whatever their kind.</summary>
    [Fact]
    public async Task SetTrialParameter_OnRunningTrial_RoundTripsEveryKind()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);

        foreach ((string name, TrialParameter parameter) in SampleData.Parameters())
        {
            await storage.SetTrialParameterAsync(trial.TrialId, name, parameter);
        }

        ShouldMatch(await storage.GetTrialAsync(trial.TrialId), trial with { Parameters = SampleData.Parameters() });
    }

    /// <summary>Setting a parameter again with the same distribution and value is a no-op.</summary>
    [Fact]
    public async Task SetTrialParameter_SameValueAgain_IsNoOp()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        var lr = TrialParameter.FromValue(new FloatDistribution(1e-5, 1e-1, log: true), 0.01);

        await storage.SetTrialParameterAsync(trial.TrialId, "lr", lr);
        await storage.SetTrialParameterAsync(trial.TrialId, "lr", TrialParameter.FromValue(new FloatDistribution(1e-5, 1e-1, log: true), 0.01));

        (await storage.GetTrialAsync(trial.TrialId)).Parameters.ShouldHaveSingleItem().Value.ShouldBe(lr);
    }

    /// <summary>A parameter cannot change value or distribution once set.</summary>
    [Fact]
    public async Task SetTrialParameter_DifferentValueOrDistribution_ThrowsTrialStateException()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        var layers = TrialParameter.FromValue(new IntDistribution(1, 8), 3L);
        await storage.SetTrialParameterAsync(trial.TrialId, "layers", layers);

        await Should.ThrowAsync<TrialStateException>(
            () => storage.SetTrialParameterAsync(trial.TrialId, "layers", TrialParameter.FromValue(new IntDistribution(1, 8), 4L)));
        await Should.ThrowAsync<TrialStateException>(
            () => storage.SetTrialParameterAsync(trial.TrialId, "layers", TrialParameter.FromValue(new IntDistribution(1, 16), 3L)));

        (await storage.GetTrialAsync(trial.TrialId)).Parameters.ShouldHaveSingleItem().Value.ShouldBe(layers);
    }

    /// <summary>A finished trial's parameters cannot be added to.</summary>
    [Fact]
    public async Task SetTrialParameter_OnFinishedTrial_ThrowsTrialStateException()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Pruned(At(2)));

        await Should.ThrowAsync<TrialStateException>(
            () => storage.SetTrialParameterAsync(trial.TrialId, "x", TrialParameter.FromValue(new FloatDistribution(0, 1), 0.5)));

        (await storage.GetTrialAsync(trial.TrialId)).Parameters.ShouldBeEmpty();
    }

    /// <summary>Parameters set together are kept exactly, as if set one by one.</summary>
    [Fact]
    public async Task SetTrialParameters_OnRunningTrial_RoundTripsEveryKind()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);

        await storage.SetTrialParametersAsync(trial.TrialId, SampleData.Parameters());

        ShouldMatch(await storage.GetTrialAsync(trial.TrialId), trial with { Parameters = SampleData.Parameters() });
    }

    /// <summary>Setting together parameters of which some are already set with the same values writes the others.</summary>
    [Fact]
    public async Task SetTrialParameters_SomeAlreadySetWithTheSameValues_WritesTheRest()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        var x = TrialParameter.FromValue(new FloatDistribution(0, 1), 0.25);
        var n = TrialParameter.FromValue(new IntDistribution(1, 8), 3L);
        await storage.SetTrialParameterAsync(trial.TrialId, "x", x);

        await storage.SetTrialParametersAsync(trial.TrialId, ImmutableDictionary<string, TrialParameter>.Empty.Add("x", x).Add("n", n));

        (await storage.GetTrialAsync(trial.TrialId)).Parameters.ShouldBe(ImmutableDictionary<string, TrialParameter>.Empty.Add("x", x).Add("n", n), ignoreOrder: true);
    }

    /// <summary>A batch holding a parameter already set to another value is refused, and the stored value stands.</summary>
    [Fact]
    public async Task SetTrialParameters_OneConflictsWithAStoredValue_ThrowsTrialStateException()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        var stored = TrialParameter.FromValue(new IntDistribution(1, 8), 3L);
        await storage.SetTrialParameterAsync(trial.TrialId, "layers", stored);

        await Should.ThrowAsync<TrialStateException>(() => storage.SetTrialParametersAsync(
            trial.TrialId,
            ImmutableDictionary<string, TrialParameter>.Empty.Add("layers", TrialParameter.FromValue(new IntDistribution(1, 8), 4L))));

        (await storage.GetTrialAsync(trial.TrialId)).Parameters["layers"].ShouldBe(stored);
    }

    /// <summary>A finished trial's parameters cannot be added to, together either.</summary>
    [Fact]
    public async Task SetTrialParameters_OnFinishedTrial_ThrowsTrialStateExceptionAndWritesNothing()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Pruned(At(2)));

        await Should.ThrowAsync<TrialStateException>(() => storage.SetTrialParametersAsync(trial.TrialId, SampleData.Parameters()));

        (await storage.GetTrialAsync(trial.TrialId)).Parameters.ShouldBeEmpty();
    }

    /// <summary>Intermediate values are kept by step (NaN too); a later report for the same step replaces the value.</summary>
    [Fact]
    public async Task SetTrialIntermediateValue_SameStepAgain_ReplacesTheValue()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);

        foreach ((long step, double value) in SampleData.IntermediateValues())
        {
            await storage.SetTrialIntermediateValueAsync(trial.TrialId, step, value);
        }

        await storage.SetTrialIntermediateValueAsync(trial.TrialId, 0, 0.75);
        await storage.SetTrialIntermediateValueAsync(trial.TrialId, 2, double.NaN);

        ShouldMatch(
            await storage.GetTrialAsync(trial.TrialId),
            trial with { IntermediateValues = SampleData.IntermediateValues().SetItem(0, 0.75).SetItem(2, double.NaN) });
    }

    /// <summary>A finished trial's learning curve cannot change.</summary>
    [Fact]
    public async Task SetTrialIntermediateValue_OnFinishedTrial_ThrowsTrialStateException()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        await storage.SetTrialIntermediateValueAsync(trial.TrialId, 1, 0.5);
        await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Pruned(At(2)));

        await Should.ThrowAsync<TrialStateException>(() => storage.SetTrialIntermediateValueAsync(trial.TrialId, 1, 0.1));
        await Should.ThrowAsync<TrialStateException>(() => storage.SetTrialIntermediateValueAsync(trial.TrialId, 2, 0.1));

        (await storage.GetTrialAsync(trial.TrialId)).IntermediateValues.ShouldBe([new KeyValuePair<long, double>(1, 0.5)]);
    }

    /// <summary>Trial attributes: user and system maps are separate, keys are replaced, and both can be set after the trial finished.</summary>
    [Fact]
    public async Task SetTrialAttribute_UserAndSystem_AreSeparateReplaceableAndAllowedAfterFinish()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);

        foreach ((string key, JsonElement value) in SampleData.UserAttributes())
        {
            await storage.SetTrialAttributeAsync(trial.TrialId, AttributeScope.User, key, value);
        }

        foreach ((string key, JsonElement value) in SampleData.SystemAttributes())
        {
            await storage.SetTrialAttributeAsync(trial.TrialId, AttributeScope.System, key, value);
        }

        FrozenTrial expected = trial with { UserAttributes = SampleData.UserAttributes(), SystemAttributes = SampleData.SystemAttributes() };
        ShouldMatch(await storage.GetTrialAsync(trial.TrialId), expected);

        await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Complete([1.5], At(2)));
        await storage.SetTrialAttributeAsync(trial.TrialId, AttributeScope.System, "shared", SampleData.Json("{\"after\":true}"));
        await storage.SetTrialAttributeAsync(trial.TrialId, AttributeScope.User, "late", SampleData.Json("null"));

        expected = expected with
        {
            State = TrialState.Complete,
            Values = [1.5],
            CompletedAt = At(2),
            SystemAttributes = expected.SystemAttributes.SetItem("shared", SampleData.Json("{\"after\":true}")),
            UserAttributes = expected.UserAttributes.SetItem("late", SampleData.Json("null")),
        };
        ShouldMatch(await storage.GetTrialAsync(trial.TrialId), expected);
    }

    /// <summary>
    /// The worker attribute (written with every asked trial, so a storage may keep it apart) reads back like any other: from a
    /// created trial, a claimed one, a later write and a finish's attributes, and a user attribute of the same name stays separate.
    /// </summary>
    [Fact]
    public async Task WorkerSystemAttribute_RoundTripsLikeAnyOtherAttribute()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        JsonElement first = SampleData.Json("{\"host\":\"a\",\"pid\":1}");
        JsonElement second = SampleData.Json("{\"host\":\"b\",\"pid\":2}");
        var withWorker = ImmutableDictionary<string, JsonElement>.Empty.Add(SystemAttributes.Worker, first).Add("sampler", SampleData.Json("\"tpe\""));

        FrozenTrial created = await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Running, StartedAt = At(1), SystemAttributes = withWorker });
        created.SystemAttributes.ToDictionary(a => a.Key, a => a.Value.GetRawText()).ShouldBe(withWorker.ToDictionary(a => a.Key, a => a.Value.GetRawText()), ignoreOrder: true);
        ShouldMatch(await storage.GetTrialAsync(created.TrialId), created);

        await storage.SetTrialAttributeAsync(created.TrialId, AttributeScope.User, SystemAttributes.Worker, SampleData.Json("\"mine\""));
        await storage.SetTrialAttributeAsync(created.TrialId, AttributeScope.System, SystemAttributes.Worker, second);
        FrozenTrial read = await storage.GetTrialAsync(created.TrialId);
        read.SystemAttributes[SystemAttributes.Worker].GetRawText().ShouldBe(second.GetRawText());
        read.UserAttributes[SystemAttributes.Worker].GetString().ShouldBe("mine");

        await storage.FinishTrialAsync(created.TrialId, TrialOutcome.Failed("stale", At(2)) with { SystemAttributes = ImmutableDictionary<string, JsonElement>.Empty.Add(SystemAttributes.Worker, first) });
        (await storage.GetTrialAsync(created.TrialId)).SystemAttributes[SystemAttributes.Worker].GetRawText().ShouldBe(first.GetRawText());

        FrozenTrial waiting = await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Waiting });
        FrozenTrial claimed = (await storage.ClaimWaitingTrialAsync(study.StudyId, At(3), systemAttributes: ImmutableDictionary<string, JsonElement>.Empty.Add(SystemAttributes.Worker, second))).ShouldNotBeNull();
        claimed.TrialId.ShouldBe(waiting.TrialId);
        claimed.SystemAttributes[SystemAttributes.Worker].GetRawText().ShouldBe(second.GetRawText());
        (await storage.GetTrialsAsync(study.StudyId)).Single(t => t.TrialId == waiting.TrialId).SystemAttributes.Keys.ShouldBe([SystemAttributes.Worker]);
    }

    /// <summary>Finishing keeps the outcome exactly: complete with several values, pruned, or failed with a reason.</summary>
    [Theory]
    [InlineData(TrialState.Complete)]
    [InlineData(TrialState.Pruned)]
    [InlineData(TrialState.Failed)]
    public async Task FinishTrial_Running_RecordsTheOutcome(TrialState state)
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        TrialOutcome outcome = state switch
        {
            TrialState.Complete => TrialOutcome.Complete([0.5, -1e-300, 1e300], At(30)),
            TrialState.Pruned => TrialOutcome.Pruned(At(30)),
            _ => TrialOutcome.Failed("objective returned NaN", At(30)),
        };

        (await storage.FinishTrialAsync(trial.TrialId, outcome)).ShouldBeTrue();

        FrozenTrial expected = trial with { State = state, Values = outcome.Values, FailReason = outcome.FailReason, CompletedAt = At(30) };
        ShouldMatch(await storage.GetTrialAsync(trial.TrialId), expected);
        ShouldMatch((await storage.GetTrialsAsync(study.StudyId, [state])).Single(), expected);
    }

    /// <summary>Only the first finish wins: a second returns false and changes nothing.</summary>
    [Fact]
    public async Task FinishTrial_Twice_ReturnsTrueThenFalseAndKeepsTheFirstOutcome()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);

        (await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Complete([2.0], At(5)))).ShouldBeTrue();
        FrozenTrial finished = await storage.GetTrialAsync(trial.TrialId);
        (await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Failed("stale", At(6)))).ShouldBeFalse();
        (await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Complete([3.0], At(7)))).ShouldBeFalse();

        ShouldMatch(await storage.GetTrialAsync(trial.TrialId), finished);
        finished.Value.ShouldBe(2.0);
    }

    /// <summary>Racing finishers (a worker and a stale-trial sweep, say): exactly one wins, and its outcome is the one kept.</summary>
    [Fact]
    public async Task FinishTrial_ConcurrentFinishers_ExactlyOneWins()
    {
        IStorage[] handles = await NewStorageHandlesAsync();
        StudyRecord study = await NewStudyAsync(handles[0]);
        FrozenTrial trial = await NewRunningTrialAsync(handles[0], study.StudyId);
        var winners = new System.Collections.Concurrent.ConcurrentBag<int>();

        await RunConcurrentlyAsync(8, async w =>
        {
            if (await handles[w % 2].FinishTrialAsync(trial.TrialId, TrialOutcome.Complete([w], At(w))))
            {
                winners.Add(w);
            }
        });

        int winner = winners.ShouldHaveSingleItem();
        FrozenTrial stored = await handles[1].GetTrialAsync(trial.TrialId);
        stored.Value.ShouldBe(winner);
        ShouldBeSameInstant(stored.CompletedAt, At(winner));
    }

    /// <summary>A waiting trial is not Running, so finishing it returns false and leaves it waiting.</summary>
    [Fact]
    public async Task FinishTrial_WaitingTrial_ReturnsFalse()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial waiting = await NewWaitingTrialAsync(storage, study.StudyId);

        (await storage.FinishTrialAsync(waiting.TrialId, TrialOutcome.Failed("cancelled", At(2)))).ShouldBeFalse();

        ShouldMatch(await storage.GetTrialAsync(waiting.TrialId), waiting);
    }

    /// <summary>Inconsistent outcomes are refused with <see cref="ArgumentException"/> and the trial stays Running.</summary>
    [Fact]
    public async Task FinishTrial_InvalidOutcome_ThrowsArgumentExceptionAndChangesNothing()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        TrialOutcome[] invalid =
        [
            TrialOutcome.Complete([], At(2)),
            TrialOutcome.Complete([double.NaN], At(2)),
            TrialOutcome.Complete([1.0, double.PositiveInfinity], At(2)),
            new TrialOutcome(TrialState.Running, [], null, At(2)),
            new TrialOutcome(TrialState.Waiting, [], null, At(2)),
        ];

        foreach (TrialOutcome outcome in invalid)
        {
            await Should.ThrowAsync<ArgumentException>(() => storage.FinishTrialAsync(trial.TrialId, outcome));
        }

        ShouldMatch(await storage.GetTrialAsync(trial.TrialId), trial);
    }

    /// <summary>After a finish, parameters, intermediate values, state and values never change; snapshots taken earlier never change either.</summary>
    [Fact]
    public async Task FinishedTrial_IsImmutable_AndEarlierSnapshotsAreUntouched()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial trial = await NewRunningTrialAsync(storage, study.StudyId);
        var x = TrialParameter.FromValue(new FloatDistribution(0, 1), 0.25);
        await storage.SetTrialParameterAsync(trial.TrialId, "x", x);
        await storage.SetTrialIntermediateValueAsync(trial.TrialId, 0, 0.3);
        FrozenTrial beforeFinish = await storage.GetTrialAsync(trial.TrialId);
        await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Complete([0.1], At(4)));
        FrozenTrial finished = await storage.GetTrialAsync(trial.TrialId);

        await Should.ThrowAsync<TrialStateException>(() => storage.SetTrialParameterAsync(trial.TrialId, "x", x));
        await Should.ThrowAsync<TrialStateException>(() => storage.SetTrialParameterAsync(trial.TrialId, "x", x with { InternalValue = 0.5 }));
        await Should.ThrowAsync<TrialStateException>(() => storage.SetTrialParameterAsync(trial.TrialId, "y", x));
        await Should.ThrowAsync<TrialStateException>(() => storage.SetTrialIntermediateValueAsync(trial.TrialId, 0, 0.9));
        (await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Pruned(At(5)))).ShouldBeFalse();
        (await storage.ClaimWaitingTrialAsync(study.StudyId, At(6))).ShouldBeNull();
        await storage.RecordHeartbeatAsync(trial.TrialId, At(7));

        ShouldMatch(await storage.GetTrialAsync(trial.TrialId), finished);
        beforeFinish.State.ShouldBe(TrialState.Running);
        beforeFinish.Values.ShouldBeEmpty();
        beforeFinish.CompletedAt.ShouldBeNull();
        (await storage.GetStaleTrialsAsync(study.StudyId, At(100))).ShouldBeEmpty();
    }
}
