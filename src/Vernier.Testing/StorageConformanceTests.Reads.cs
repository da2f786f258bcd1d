using System.Collections.Immutable;
using Shouldly;
using Vernier.Distributions;
using Vernier.Storage;
using Vernier.Studies;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

public abstract partial class StorageConformanceTests
{
    /// <summary>A state filter returns exactly the trials in those states, in number order; no filter returns all.</summary>
    [Fact]
    public async Task GetTrials_StateFilter_ReturnsMatchingTrialsInNumberOrder()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        TrialState[] states =
        [
            TrialState.Complete, TrialState.Running, TrialState.Waiting, TrialState.Failed, TrialState.Complete,
            TrialState.Pruned, TrialState.Waiting, TrialState.Running, TrialState.Complete,
        ];
        foreach (TrialState state in states)
        {
            await storage.CreateTrialAsync(study.StudyId, state.IsFinished() ? Imported(state) : new NewTrial { State = state });
        }

        (await storage.GetTrialsAsync(study.StudyId)).Select(t => t.State).ShouldBe(states);
        (await storage.GetTrialsAsync(study.StudyId, null)).Select(t => t.Number).ShouldBe(Enumerable.Range(0, states.Length));
        (await storage.GetTrialsAsync(study.StudyId, [TrialState.Complete])).Select(t => t.Number).ShouldBe([0, 4, 8]);
        (await storage.GetTrialsAsync(study.StudyId, [TrialState.Pruned, TrialState.Waiting])).Select(t => t.Number).ShouldBe([2, 5, 6]);
        (await storage.GetTrialsAsync(study.StudyId, [TrialState.Running, TrialState.Failed, TrialState.Running])).Select(t => t.Number).ShouldBe([1, 3, 7]);
        (await storage.GetTrialsAsync(study.StudyId, [])).ShouldBeEmpty();
    }

    /// <summary>Trials read in bulk carry all their contents, each trial its own.</summary>
    [Fact]
    public async Task GetTrials_ManyTrials_EachCarriesItsOwnContents()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        StudyRecord other = await NewStudyAsync(storage, "other");
        var x = new FloatDistribution(0, 100);
        List<FrozenTrial> expected = [];
        for (int i = 0; i < 30; i++)
        {
            var trial = new NewTrial
            {
                State = (i % 3) switch { 0 => TrialState.Complete, 1 => TrialState.Running, _ => TrialState.Failed },
                Parameters = i % 4 == 0 ? SampleData.Parameters() : SampleData.Parameters().Remove("lr").SetItem("x", new TrialParameter(x, i)),
                Values = i % 3 == 0 ? [i, -i] : [],
                IntermediateValues = Enumerable.Range(0, i % 5).ToImmutableSortedDictionary(s => (long)s, s => i + (s / 10.0)),
                UserAttributes = i % 2 == 0 ? SampleData.UserAttributes() : SampleData.UserAttributes().SetItem("i", SampleData.Json($"{i}")),
                SystemAttributes = i % 5 == 0 ? SampleData.SystemAttributes() : [],
                StartedAt = At(i),
                CompletedAt = i % 3 == 1 ? null : At(i + 0.5),
                FailReason = i % 3 == 2 ? $"failure {i}" : null,
            };
            FrozenTrial created = await storage.CreateTrialAsync(study.StudyId, trial);
            expected.Add(TrialAssertions.Expected(trial, created.TrialId, i));
            await storage.CreateTrialAsync(other.StudyId, Imported(TrialState.Complete));
        }

        IReadOnlyList<FrozenTrial> all = await storage.GetTrialsAsync(study.StudyId);

        all.Count.ShouldBe(expected.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            ShouldMatch(all[i], expected[i]);
        }

        IReadOnlyList<FrozenTrial> failed = await storage.GetTrialsAsync(study.StudyId, [TrialState.Failed]);
        failed.Count.ShouldBe(10);
        foreach (FrozenTrial trial in failed)
        {
            ShouldMatch(trial, expected[trial.Number]);
        }
    }

    /// <summary>Every call that names a study id that does not exist throws <see cref="StudyNotFoundException"/>.</summary>
    [Fact]
    public async Task EveryStudyMethod_UnknownStudyId_ThrowsStudyNotFoundException()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord existing = await NewStudyAsync(storage);
        long unknown = existing.StudyId + 1000;
        Func<Task>[] calls =
        [
            () => storage.GetStudyAsync(unknown),
            () => storage.DeleteStudyAsync(unknown),
            () => storage.SetStudyAttributeAsync(unknown, AttributeScope.User, "k", SampleData.Json("1")),
            () => storage.CreateTrialAsync(unknown, new NewTrial()),
            () => storage.CreateTrialAsync(unknown, new NewTrial(), maxRunning: 1),
            () => storage.ClaimWaitingTrialAsync(unknown, At(1)),
            () => storage.GetStaleTrialsAsync(unknown, At(1)),
            () => storage.GetTrialsAsync(unknown),
            () => storage.GetTrialsAsync(unknown, [TrialState.Complete]),
        ];

        foreach (Func<Task> call in calls)
        {
            await Should.ThrowAsync<StudyNotFoundException>(call);
        }

        (await storage.GetTrialsAsync(existing.StudyId)).ShouldBeEmpty();
    }

    /// <summary>Every call that names a trial id that does not exist throws <see cref="TrialNotFoundException"/>.</summary>
    [Fact]
    public async Task EveryTrialMethod_UnknownTrialId_ThrowsTrialNotFoundException()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial existing = await NewRunningTrialAsync(storage, study.StudyId);
        long unknown = existing.TrialId + 1000;
        Func<Task>[] calls =
        [
            () => storage.GetTrialAsync(unknown),
            () => storage.SetTrialParameterAsync(unknown, "x", TrialParameter.FromValue(new FloatDistribution(0, 1), 0.5)),
            () => storage.SetTrialParametersAsync(unknown, SampleData.Parameters()),
            () => storage.SetTrialIntermediateValueAsync(unknown, 0, 1.0),
            () => storage.SetTrialAttributeAsync(unknown, AttributeScope.System, "k", SampleData.Json("1")),
            () => storage.SetTrialAttributeAsync(unknown, AttributeScope.System, SystemAttributes.Worker, SampleData.Json("\"h:1\"")),
            () => storage.FinishTrialAsync(unknown, TrialOutcome.Complete([1.0], At(2))),
            () => storage.RecordHeartbeatAsync(unknown, At(2)),
        ];

        foreach (Func<Task> call in calls)
        {
            await Should.ThrowAsync<TrialNotFoundException>(call);
        }

        ShouldMatch(await storage.GetTrialAsync(existing.TrialId), existing);
    }

    /// <summary>A second handle on the same store (another process, for persistent backends) sees every write of the first, and the reverse.</summary>
    [Fact]
    public async Task SecondHandle_SeesEveryWriteOfTheFirst()
    {
        (IStorage first, IStorage? second) = await NewStorageWithSecondHandleAsync();
        if (second is null)
        {
            return;
        }

        StudyRecord study = await first.CreateStudyAsync("shared", [StudyDirection.Maximize], At(0));
        await first.SetStudyAttributeAsync(study.StudyId, AttributeScope.System, "seed", SampleData.Json("42"));
        FrozenTrial imported = await first.CreateTrialAsync(study.StudyId, Imported(TrialState.Complete));
        FrozenTrial waiting = await first.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Waiting, Parameters = SampleData.Parameters() });

        TrialAssertions.ShouldMatch((await second.FindStudyAsync("shared")).ShouldNotBeNull(), await first.GetStudyAsync(study.StudyId), TimestampResolution);
        ShouldMatch(await second.GetTrialAsync(imported.TrialId), imported);
        FrozenTrial claimed = (await second.ClaimWaitingTrialAsync(study.StudyId, At(3))).ShouldNotBeNull();
        claimed.TrialId.ShouldBe(waiting.TrialId);
        await second.SetTrialIntermediateValueAsync(claimed.TrialId, 1, 0.5);
        await second.RecordHeartbeatAsync(claimed.TrialId, At(4));

        (await first.GetStaleTrialsAsync(study.StudyId, At(10))).ShouldHaveSingleItem().IntermediateValues[1].ShouldBe(0.5);
        (await first.FinishTrialAsync(claimed.TrialId, TrialOutcome.Failed("stale", At(11)))).ShouldBeTrue();
        (await second.FinishTrialAsync(claimed.TrialId, TrialOutcome.Complete([1.0], At(12)))).ShouldBeFalse();
        (await second.GetTrialAsync(claimed.TrialId)).FailReason.ShouldBe("stale");

        await second.DeleteStudyAsync(study.StudyId);
        (await first.GetStudiesAsync()).ShouldBeEmpty();
    }
}
