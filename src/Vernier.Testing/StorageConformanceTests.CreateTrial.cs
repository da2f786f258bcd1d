using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Shouldly;
using Vernier.Storage;
using Vernier.Trials;
using Xunit;

namespace Vernier.Testing;

public abstract partial class StorageConformanceTests
{
    /// <summary>A running trial keeps every parameter kind, its attributes and its start time, exactly.</summary>
    [Fact]
    public async Task CreateTrial_Running_RoundTripsExactly()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        var trial = new NewTrial
        {
            State = TrialState.Running,
            Parameters = SampleData.Parameters(),
            UserAttributes = SampleData.UserAttributes(),
            SystemAttributes = SampleData.SystemAttributes(),
            StartedAt = At(1),
        };

        FrozenTrial created = await storage.CreateTrialAsync(study.StudyId, trial);

        created.Number.ShouldBe(0);
        FrozenTrial expected = TrialAssertions.Expected(trial, created.TrialId, 0);
        ShouldMatch(created, expected);
        ShouldMatch(await storage.GetTrialAsync(created.TrialId), expected);
        ShouldMatch((await storage.GetTrialsAsync(study.StudyId)).Single(), expected);
    }

    /// <summary>A waiting (enqueued) trial keeps its fixed parameters and has no start time.</summary>
    [Fact]
    public async Task CreateTrial_Waiting_RoundTripsExactly()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        var trial = new NewTrial { State = TrialState.Waiting, Parameters = SampleData.Parameters(), SystemAttributes = SampleData.SystemAttributes() };

        FrozenTrial created = await storage.CreateTrialAsync(study.StudyId, trial);

        ShouldMatch(await storage.GetTrialAsync(created.TrialId), TrialAssertions.Expected(trial, created.TrialId, 0));
    }

    /// <summary>Imported finished trials keep values, intermediate values (NaN and infinities too), times and fail reasons.</summary>
    [Theory]
    [InlineData(TrialState.Complete)]
    [InlineData(TrialState.Pruned)]
    [InlineData(TrialState.Failed)]
    public async Task CreateTrial_ImportedFinishedTrial_RoundTripsExactly(TrialState state)
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        NewTrial trial = Imported(state);

        FrozenTrial created = await storage.CreateTrialAsync(study.StudyId, trial);

        FrozenTrial expected = TrialAssertions.Expected(trial, created.TrialId, 0);
        ShouldMatch(created, expected);
        ShouldMatch(await storage.GetTrialAsync(created.TrialId), expected);
        ShouldMatch((await storage.GetTrialsAsync(study.StudyId)).Single(), expected);
    }

    /// <summary>An imported finished trial is final from the start: it cannot be finished again.</summary>
    [Fact]
    public async Task CreateTrial_ImportedFinishedTrial_IsAlreadyFinal()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial created = await storage.CreateTrialAsync(study.StudyId, Imported(TrialState.Complete));

        (await storage.FinishTrialAsync(created.TrialId, TrialOutcome.Failed("late", At(9)))).ShouldBeFalse();
        await Should.ThrowAsync<TrialStateException>(() => storage.SetTrialIntermediateValueAsync(created.TrialId, 99, 1.0));

        ShouldMatch(await storage.GetTrialAsync(created.TrialId), created);
    }

    /// <summary>
    /// The snapshot owns its attribute values: disposing the <see cref="JsonDocument"/> they came
    /// from does not break what the storage keeps or returns.
    /// </summary>
    [Fact]
    public async Task CreateTrial_AttributesFromDisposedDocument_StayReadable()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        FrozenTrial created;
        using (JsonDocument document = JsonDocument.Parse("{\"tag\":\"from-a-document\"}"))
        {
            created = await storage.CreateTrialAsync(study.StudyId, new NewTrial
            {
                UserAttributes = ImmutableDictionary<string, JsonElement>.Empty.Add("tag", document.RootElement.GetProperty("tag")),
                StartedAt = At(1),
            });
        }

        created.UserAttributes["tag"].GetString().ShouldBe("from-a-document");
        (await storage.GetTrialAsync(created.TrialId)).UserAttributes["tag"].GetString().ShouldBe("from-a-document");
    }

    /// <summary>Numbers start at 0 in every study and count up without gaps; ids are unique across studies.</summary>
    [Fact]
    public async Task CreateTrial_NumbersAreDensePerStudy_IdsUniqueAcrossStudies()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord a = await NewStudyAsync(storage, "a");
        StudyRecord b = await NewStudyAsync(storage, "b");
        List<FrozenTrial> created = [];

        for (int i = 0; i < 4; i++)
        {
            created.Add(await NewRunningTrialAsync(storage, a.StudyId));
            created.Add(await NewWaitingTrialAsync(storage, b.StudyId));
            created.Add(await storage.CreateTrialAsync(a.StudyId, Imported(TrialState.Failed)));
        }

        (await storage.GetTrialsAsync(a.StudyId)).Select(t => t.Number).ShouldBe(Enumerable.Range(0, 8));
        (await storage.GetTrialsAsync(b.StudyId)).Select(t => t.Number).ShouldBe(Enumerable.Range(0, 4));
        created.Select(t => t.TrialId).Distinct().Count().ShouldBe(created.Count);
    }

    /// <summary>Eight callers creating fifty trials each at once get the numbers 0…399, each exactly once.</summary>
    [Fact]
    public async Task CreateTrial_ConcurrentCallers_GetDenseUniqueNumbers()
    {
        IStorage[] handles = await NewStorageHandlesAsync();
        StudyRecord study = await NewStudyAsync(handles[0]);
        var numbers = new ConcurrentBag<int>();
        var ids = new ConcurrentBag<long>();

        await RunConcurrentlyAsync(8, async w =>
        {
            for (int i = 0; i < 50; i++)
            {
                FrozenTrial trial = await NewRunningTrialAsync(handles[w % 2], study.StudyId);
                numbers.Add(trial.Number);
                ids.Add(trial.TrialId);
            }
        });

        numbers.Order().ShouldBe(Enumerable.Range(0, 400));
        ids.Distinct().Count().ShouldBe(400);
        (await handles[1].GetTrialsAsync(study.StudyId)).Select(t => t.Number).ShouldBe(Enumerable.Range(0, 400));
    }

    /// <summary>At the running limit a new running trial is refused and nothing is written.</summary>
    [Fact]
    public async Task CreateTrial_MaxRunningReached_ThrowsAndWritesNothing()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        await NewRunningTrialAsync(storage, study.StudyId, maxRunning: 2);
        FrozenTrial second = await NewRunningTrialAsync(storage, study.StudyId, maxRunning: 2);

        var error = await Should.ThrowAsync<ConcurrencyLimitExceededException>(() => NewRunningTrialAsync(storage, study.StudyId, maxRunning: 2));

        error.MaxRunning.ShouldBe(2);
        (await storage.GetTrialsAsync(study.StudyId)).Count.ShouldBe(2);

        await storage.FinishTrialAsync(second.TrialId, TrialOutcome.Pruned(At(3)));
        (await NewRunningTrialAsync(storage, study.StudyId, maxRunning: 2)).Number.ShouldBe(2);
    }

    /// <summary>The running limit applies only to trials created Running: waiting and imported trials are always accepted.</summary>
    [Fact]
    public async Task CreateTrial_MaxRunning_DoesNotLimitWaitingOrImportedTrials()
    {
        IStorage storage = await NewStorageAsync();
        StudyRecord study = await NewStudyAsync(storage);
        await NewRunningTrialAsync(storage, study.StudyId, maxRunning: 1);

        await storage.CreateTrialAsync(study.StudyId, new NewTrial { State = TrialState.Waiting }, maxRunning: 1);
        await storage.CreateTrialAsync(study.StudyId, Imported(TrialState.Complete), maxRunning: 1);

        (await storage.GetTrialsAsync(study.StudyId)).Select(t => t.State).ShouldBe([TrialState.Running, TrialState.Waiting, TrialState.Complete]);
    }

    /// <summary>Many callers racing for a running limit of 3: exactly 3 get a trial, the rest are refused, nothing else is written.</summary>
    [Fact]
    public async Task CreateTrial_ConcurrentCallersAtMaxRunning_ExactlyTheLimitSucceeds()
    {
        IStorage[] handles = await NewStorageHandlesAsync();
        StudyRecord study = await NewStudyAsync(handles[0]);
        int created = 0;
        int refused = 0;

        await RunConcurrentlyAsync(8, async w =>
        {
            for (int i = 0; i < 10; i++)
            {
                try
                {
                    await NewRunningTrialAsync(handles[w % 2], study.StudyId, maxRunning: 3);
                    Interlocked.Increment(ref created);
                }
                catch (ConcurrencyLimitExceededException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        });

        created.ShouldBe(3);
        refused.ShouldBe(77);
        (await handles[0].GetTrialsAsync(study.StudyId)).Select(t => t.Number).ShouldBe([0, 1, 2]);
    }

    /// <summary>Callers that start and finish trials concurrently under a limit never see more running trials than allowed.</summary>
    [Fact]
    public async Task CreateTrial_ConcurrentStartAndFinishUnderMaxRunning_NeverOversubscribes()
    {
        const int limit = 3;
        IStorage[] handles = await NewStorageHandlesAsync();
        StudyRecord study = await NewStudyAsync(handles[0]);
        int finished = 0;

        await RunConcurrentlyAsync(6, async w =>
        {
            IStorage storage = handles[w % 2];
            for (int i = 0; i < 12; i++)
            {
                FrozenTrial trial;
                try
                {
                    trial = await NewRunningTrialAsync(storage, study.StudyId, maxRunning: limit);
                }
                catch (ConcurrencyLimitExceededException)
                {
                    await Task.Yield();
                    continue;
                }

                (await storage.GetTrialsAsync(study.StudyId, [TrialState.Running])).Count.ShouldBeLessThanOrEqualTo(limit);
                (await storage.FinishTrialAsync(trial.TrialId, TrialOutcome.Complete([i], At(2)))).ShouldBeTrue();
                Interlocked.Increment(ref finished);
            }
        });

        IReadOnlyList<FrozenTrial> trials = await handles[0].GetTrialsAsync(study.StudyId);
        trials.Count.ShouldBe(finished);
        finished.ShouldBeGreaterThan(0);
        trials.Select(t => t.Number).ShouldBe(Enumerable.Range(0, finished));
        trials.ShouldAllBe(t => t.State == TrialState.Complete);
    }

    /// <summary>A complete imported trial with two objectives, or a pruned or failed one, with every field set.</summary>
    private static NewTrial Imported(TrialState state) => new()
    {
        State = state,
        Parameters = SampleData.Parameters(),
        Values = state == TrialState.Complete ? [0.125, -2.5e10] : [],
        IntermediateValues = SampleData.IntermediateValues(),
        UserAttributes = SampleData.UserAttributes(),
        SystemAttributes = SampleData.SystemAttributes(),
        StartedAt = At(1),
        CompletedAt = At(61.5),
        FailReason = state == TrialState.Failed ? "exit code 137 (killed: out of memory?)\nlast line of stderr" : null,
    };
}
