using System.Collections.Immutable;
using Shouldly;
using Vernier.Distributions;
using Vernier.Storage;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

public abstract partial class StorageConformanceTests
{
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
}
