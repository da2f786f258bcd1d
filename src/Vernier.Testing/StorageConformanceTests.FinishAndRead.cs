using Shouldly;
using Vernier.Storage;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

public abstract partial class StorageConformanceTests
{
    /// <summary>Finishing and reading in one call returns exactly what a read after the finish returns.</summary>
    [Theory]
    [InlineData(TrialState.Complete)]
    [InlineData(TrialState.Pruned)]
    [InlineData(TrialState.Failed)]
    public async Task FinishTrialAndRead_ReturnsTheTrialAsStored(TrialState state)
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await storage.CreateStudyAsync("two", [Studies.StudyDirection.Minimize, Studies.StudyDirection.Maximize], At(0));
        FrozenTrial running = await storage.CreateTrialAsync(
            study.StudyId,
            new NewTrial { State = TrialState.Running, StartedAt = At(1), Parameters = SampleData.Parameters(), SystemAttributes = SampleData.SystemAttributes() });
        await storage.SetTrialIntermediateValueAsync(running.TrialId, 3, 0.5);
        TrialOutcome outcome = state switch
        {
            TrialState.Complete => TrialOutcome.Complete([1.5, -2.0], At(9)),
            TrialState.Pruned => TrialOutcome.Pruned(At(9)),
            _ => TrialOutcome.Failed("boom", At(9)),
        };

        (bool finished, FrozenTrial returned) = await storage.FinishTrialAndReadAsync(running.TrialId, outcome);

        finished.ShouldBeTrue();
        ShouldMatch(returned, await storage.GetTrialAsync(running.TrialId));
        returned.State.ShouldBe(state);
        returned.IntermediateValues[3].ShouldBe(0.5);
    }

    /// <summary>A trial that had already finished is left as it was, and returned as stored.</summary>
    [Fact]
    public async Task FinishTrialAndRead_AlreadyFinished_ReturnsFalseAndTheStoredTrial()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial running = await NewRunningTrialAsync(storage, study.StudyId);
        await storage.FinishTrialAsync(running.TrialId, TrialOutcome.Failed("stale", At(5)));

        (bool finished, FrozenTrial returned) = await storage.FinishTrialAndReadAsync(running.TrialId, TrialOutcome.Complete([1.0], At(9)));

        finished.ShouldBeFalse();
        returned.State.ShouldBe(TrialState.Failed);
        returned.FailReason.ShouldBe("stale");
        returned.Values.ShouldBeEmpty();
    }
}
